#!/usr/bin/env python3
"""Generates clicks.csv: 4000 clicks of 50 users over 40 seconds of event time. Deterministic."""
import random

rng = random.Random(5)
start = 1663927200000
pages = ["home", "search", "product", "cart", "checkout"]
with open("clicks.csv", "w") as f:
    f.write("user,ts,page,amount,referrer\n")
    for i in range(4000):
        ts = start + i * 10 + rng.randint(0, 5)
        page = rng.choice(pages)
        amount = round(rng.uniform(1, 200), 2) if page == "checkout" else 0.0
        f.write(f"user{rng.randint(0, 49):03d},{ts},{page},{amount},https://example.com/{rng.choice(pages)}\n")
