#!/usr/bin/env python3
"""Writes Tests/DatasetsTests/Fixtures/scipy_drift.json: scipy.stats.ks_2samp (method="auto")
and scipy.spatial.distance.jensenshannon on seeded samples: equal and unequal sizes, ties,
shifted and unshifted. Run by hand: /tmp/fvenv/bin/python scripts/make_drift_fixtures.py"""
import json, os
import numpy as np, scipy
from scipy.stats import ks_2samp
from scipy.spatial.distance import jensenshannon

rng = np.random.default_rng(17)
cases = []
for n1, n2, shift, rounding in [(50, 50, 0.0, None), (50, 50, 0.6, None), (120, 75, 0.3, None), (1000, 400, 0.0, None),
                                (1000, 400, 0.15, None), (300, 300, 0.0, 1), (1000, 1000, 0.1, None), (37, 53, 1.0, None),
                                (2000, 1500, 0.05, 2)]:
    a = rng.normal(0, 1, n1); b = rng.normal(shift, 1, n2)
    if rounding is not None:
        a = np.round(a, rounding); b = np.round(b, rounding)
    r = ks_2samp(a, b)
    cases.append({"a": a.tolist(), "b": b.tolist(), "statistic": float(r.statistic), "pvalue": float(r.pvalue)})
js = []
for k in [3, 10, 11]:
    p = rng.random(k); q = rng.random(k)
    q[0] = 0.0
    js.append({"p": p.tolist(), "q": q.tolist(), "distance": float(jensenshannon(p, q))})
out = os.path.join(os.path.dirname(__file__), "..", "Tests", "DatasetsTests", "Fixtures", "scipy_drift.json")
with open(out, "w") as f:
    json.dump({"scipy": scipy.__version__, "ks_2samp": cases, "jensenshannon": js}, f)
