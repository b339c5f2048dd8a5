#!/usr/bin/env python3
"""Writes a customer-like CSV of about --bytes bytes (default 1 GB) for bench/privacy/sealing.sh:
an id, an e-mail address, a country, four numeric features and a label, deterministic per seed.

  python3 bench/privacy/make_csv.py OUT.csv [--bytes 1000000000]
"""
import argparse
import random

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--bytes", type=int, default=1_000_000_000)
p.add_argument("--seed", type=int, default=7)
a = p.parse_args()
rng = random.Random(a.seed)
countries = ["DE", "FR", "NL", "PL", "ES", "IT", "SE", "US", "GB", "JP"]
written = 0
with open(a.out, "w") as f:
    header = "customer_id,email,country,age,income,balance,score,churn\n"
    f.write(header)
    written += len(header)
    i = 0
    while written < a.bytes:
        lines = []
        for _ in range(10000):
            age = rng.randint(18, 90)
            income = round(rng.uniform(1000, 200000), 2)
            balance = round(rng.gauss(5000, 3000), 2)
            score = round(rng.random(), 6)
            lines.append(f"c{i},user{i}@example.com,{countries[i % 10]},{age},{income},{balance},{score},{int(score < 0.3)}\n")
            i += 1
        block = "".join(lines)
        f.write(block)
        written += len(block)
print(f"{a.out}: {written} bytes, {i} rows")
