#!/usr/bin/env python3
"""Generates clicks.csv: 5000 clicks of 40 users over ~8 minutes, 10 per second of arrival.

Most clicks arrive within 3 s of their event time (out of order); about 4% arrive 8-40 s
late, past a 5 s watermark delay: some within the window's 10 s allowed lateness (late
firings), some beyond it (dropped or sent to the late output). Deterministic (fixed seed).
"""
import datetime
import random

rng = random.Random(20220923)
start = datetime.datetime(2022, 9, 23, 10, 0, 0, tzinfo=datetime.timezone.utc)
users = [f"u{i:02d}" for i in range(40)]
weights = [1.0 / (i + 1) for i in range(40)]
pages = ["home", "search", "product", "cart", "checkout"]
rows = []
for i in range(5000):
    arrival_ms = i * 100
    r = rng.random()
    if r < 0.04:
        delay = rng.randint(8000, 40000)
    else:
        delay = rng.randint(0, 3000)
    ts = start + datetime.timedelta(milliseconds=arrival_ms - delay)
    user = rng.choices(users, weights)[0]
    page = rng.choice(pages)
    amount = round(rng.uniform(1, 200), 2) if page == "checkout" else 0.0
    rows.append((user, ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z", page, amount))
with open("clicks.csv", "w") as f:
    f.write("user,ts,page,amount\n")
    for u, ts, p, a in rows:
        f.write(f"{u},{ts},{p},{a}\n")
