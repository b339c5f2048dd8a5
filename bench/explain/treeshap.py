#!/usr/bin/env python3
"""TreeSHAP speed: the shap package's C++ TreeExplainer against `maas bench treeshap` on the same
trees (exported from shap's own TreeExplainer) and the same rows, interleaved round by round.

    /tmp/fvenv/bin/python bench/explain/treeshap.py [--rounds 5] [--rows 1000]

A 100-tree random forest of depth 8 on 20 features (scikit-learn, make_regression, 5000 rows)."""
import argparse, json, os, statistics, subprocess, sys, tempfile, time
import numpy as np
import shap
from sklearn.datasets import make_regression
from sklearn.ensemble import RandomForestRegressor

p = argparse.ArgumentParser()
p.add_argument("--rounds", type=int, default=5)
p.add_argument("--rows", type=int, default=1000)
p.add_argument("--maas", default=".build/release/maas")
a = p.parse_args()

x, y = make_regression(n_samples=5000, n_features=20, n_informative=12, noise=5.0, random_state=0)
x = x.astype(np.float32)
forest = RandomForestRegressor(n_estimators=100, max_depth=8, random_state=0, n_jobs=2).fit(x, y)
explainer = shap.TreeExplainer(forest)
rows = x[: a.rows]
trees = [{"left": t.children_left.tolist(), "right": t.children_right.tolist(), "feature": t.features.tolist(),
          "threshold": t.thresholds.tolist(), "value": t.values.reshape(len(t.features), -1).tolist(),
          "cover": t.node_sample_weight.tolist()} for t in explainer.model.trees]
path = os.path.join(tempfile.mkdtemp(), "forest.json")
with open(path, "w") as f:
    json.dump({"trees": trees, "x": rows.astype(float).tolist(), "base_offset": np.atleast_1d(explainer.model.base_offset).tolist()}, f)
explainer.shap_values(rows[:10])  # warm-up

shap_times, ours_1, ours_all = [], [], []
for r in range(a.rounds):
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        values = explainer.shap_values(rows)
        best = min(best, time.perf_counter() - start)
    shap_times.append(best)
    out = json.loads(subprocess.run([a.maas, "bench", "treeshap", "--trees", path], check=True, capture_output=True, text=True).stdout)
    ours_1.append(out["seconds_1_thread"]); ours_all.append(out["seconds_all_threads"])
    print(json.dumps({"round": r, "shap_s": round(best, 4), "maas_1_thread_s": out["seconds_1_thread"],
                      "maas_all_threads_s": out["seconds_all_threads"], "threads": out["threads"],
                      "abs_sum_shap": float(np.abs(values).sum()), "abs_sum_maas": out["abs_sum"]}), flush=True)

m_shap, m1, mall = statistics.median(shap_times), statistics.median(ours_1), statistics.median(ours_all)
print(f"rows={a.rows} trees=100 depth=8 features=20  shap {m_shap*1e3:.1f} ms  maas 1 thread {m1*1e3:.1f} ms "
      f"({m_shap/m1:.2f}x shap's speed)  maas all threads {mall*1e3:.1f} ms ({m_shap/mall:.2f}x)")
