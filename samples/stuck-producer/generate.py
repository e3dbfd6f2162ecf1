#!/usr/bin/env python3
"""Generates readings.csv: two producers over two hours, one reading per sensor per second.

Producer A (sensors a1..a3) delivers on time. Producer B (sensor b1) gets stuck ten minutes
in: its readings from 00:10 to 01:10 wait an hour and then arrive in one burst (100 per
second of arrival). `arrival` is the processing time at which each line arrives (epoch ms);
the file is in arrival order. Deterministic.
"""
import random

rng = random.Random(7)
start = 1663927200000  # 2022-09-23T10:00:00Z
rows = []
for t in range(7200):
    for s in ("a1", "a2", "a3"):
        ts = start + t * 1000 + rng.randint(0, 900)
        rows.append((ts + rng.randint(0, 2000), "A", s, ts, round(rng.uniform(15, 25), 2)))
stuck_from, stuck_to = 600, 4200
burst = 0
for t in range(7200):
    ts = start + t * 1000 + rng.randint(0, 900)
    if stuck_from <= t < stuck_to:
        arrival = start + stuck_to * 1000 + burst * 10
        burst += 1
    else:
        arrival = ts + rng.randint(0, 2000)
    rows.append((arrival, "B", "b1", ts, round(rng.uniform(15, 25), 2)))
rows.sort(key=lambda r: (r[0], r[2]))
with open("readings.csv", "w") as f:
    f.write("arrival,producer,sensor,ts,celsius\n")
    for arrival, p, s, ts, c in rows:
        f.write(f"{arrival},{p},{s},{ts},{c}\n")
