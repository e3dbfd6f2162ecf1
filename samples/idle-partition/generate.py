#!/usr/bin/env python3
"""Generates orders.csv: 20 minutes of orders from three shards, one per shard per second.

Shard 2's producer goes silent from minute 5 to minute 15 (no records at all, nothing late:
it simply has nothing to send). `arrival` is the processing time of each line (epoch ms), up to
1.5 s after the event time; the file is in arrival order. Deterministic.
"""
import random

rng = random.Random(3)
start = 1663927200000  # 2022-09-23T10:00:00Z
rows = []
for t in range(1200):
    for shard in range(3):
        if shard == 2 and 300 <= t < 900:
            continue
        ts = start + t * 1000 + rng.randint(0, 900)
        rows.append((ts + rng.randint(0, 1500), shard, ts, round(rng.uniform(5, 120), 2)))
rows.sort(key=lambda r: (r[0], r[1]))
with open("orders.csv", "w") as f:
    f.write("arrival,shard,ts,amount\n")
    for arrival, shard, ts, amount in rows:
        f.write(f"{arrival},{shard},{ts},{amount}\n")
