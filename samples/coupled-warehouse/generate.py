#!/usr/bin/env python3
"""Generates sales.csv: 30 minutes of sales from 12 stores, one every 200 ms. Deterministic."""
import random

rng = random.Random(21)
start = 1663927200000
with open("sales.csv", "w") as f:
    f.write("store,ts,amount\n")
    for i in range(9000):
        ts = start + i * 200 + rng.randint(0, 150)
        f.write(f"store{rng.randint(1, 12):02d},{ts},{round(rng.uniform(2, 300), 2)}\n")
