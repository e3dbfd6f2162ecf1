#!/usr/bin/env python3
"""Generates readings.csv: 20000 readings of 20 sensors over 20 minutes of event time. Deterministic."""
import random

rng = random.Random(13)
start = 1663927200000
with open("readings.csv", "w") as f:
    f.write("sensor,ts,celsius\n")
    for i in range(20000):
        ts = start + i * 60 + rng.randint(0, 40)
        f.write(f"s{rng.randint(0, 19):02d},{ts},{round(rng.uniform(15, 25), 2)}\n")
