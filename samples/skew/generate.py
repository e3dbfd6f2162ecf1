#!/usr/bin/env python3
"""Generates events.csv (8 consecutive integer keys 0..7) and events-remapped.csv (the keys
that `streamlab keys --parallelism 8 --remap` gives, one per subtask), 8000 events each."""
REMAP = [4, 6, 22, 9, 10, 0, 11, 2]
for name, keys in (("events.csv", list(range(8))), ("events-remapped.csv", REMAP)):
    with open(name, "w") as f:
        f.write("partition,ts,value\n")
        for i in range(8000):
            f.write(f"{keys[i % 8]},{1663927200000 + i * 10},{i % 100}\n")
