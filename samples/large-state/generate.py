#!/usr/bin/env python3
"""Generates events.csv: 8000 audit events of 10 services over 40 minutes of event time, each
with a 100-character message. Deterministic."""
import random

rng = random.Random(17)
start = 1663927200000
words = ["login", "logout", "denied", "granted", "token", "refresh", "scope", "admin", "user", "key"]
with open("events.csv", "w") as f:
    f.write("service,ts,message\n")
    for i in range(8000):
        ts = start + i * 300 + rng.randint(0, 200)
        msg = " ".join(rng.choice(words) for _ in range(40))[:100]
        f.write(f"svc{rng.randint(0, 9)},{ts},{msg}\n")
