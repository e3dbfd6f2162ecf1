#!/usr/bin/env python3
"""Generates events.csv: two hours of page views, 10 per second, from short web sessions.

Each session lives about five minutes (20 views) and never comes back: session ids are
unique, so a running aggregate keyed by session keeps a state entry per session forever
unless its state expires. Deterministic."""
import random

rng = random.Random(11)
start = 1663927200000
events = []
next_id = 0
active = []
for i in range(72000):
    ts = start + i * 100
    if not active or rng.random() < 0.05:
        active.append([f"s{next_id:06d}", 20])
        next_id += 1
    s = rng.choice(active)
    s[1] -= 1
    events.append((s[0], ts, rng.choice(["home", "search", "product", "cart"])))
    if s[1] == 0:
        active.remove(s)
with open("events.csv", "w") as f:
    f.write("session,ts,page\n")
    for sid, ts, page in events:
        f.write(f"{sid},{ts},{page}\n")
