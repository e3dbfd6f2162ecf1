#!/usr/bin/env python3
"""Generates clicks.csv: 6000 clicks of 200 users over 10 minutes of event time. Deterministic."""
import random

rng = random.Random(9)
start = 1663927200000
with open("clicks.csv", "w") as f:
    f.write("user,ts,page\n")
    for i in range(6000):
        ts = start + i * 100 + rng.randint(0, 50)
        f.write(f"user{rng.randint(0, 199):03d},{ts},{rng.choice(['home', 'search', 'product', 'cart'])}\n")
