#!/usr/bin/env python3
"""Writes Tests/LearnersTests/Fixtures/shap_*.json: trees exactly as shap.TreeExplainer holds
them (children, features, thresholds, node values, node covers) with shap's attributions, plus a
linear and a KernelSHAP case. Run by hand in a venv with shap 0.51, scikit-learn and numpy:

    python3 -m venv /tmp/fvenv && /tmp/fvenv/bin/pip install shap scikit-learn
    /tmp/fvenv/bin/python scripts/make_shap_fixtures.py

Data: scikit-learn's bundled wine, diabetes and breast-cancer sets, cast to float32 (the
precision shap and scikit-learn compare thresholds in)."""
import json, os
import numpy as np
import shap, sklearn
from sklearn.datasets import load_wine, load_diabetes, load_breast_cancer
from sklearn.ensemble import RandomForestClassifier, GradientBoostingRegressor, HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeRegressor

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "LearnersTests", "Fixtures")


def trees_of(explainer):
    out = []
    for t in explainer.model.trees:
        out.append({"left": t.children_left.tolist(), "right": t.children_right.tolist(),
                    "feature": t.features.tolist(), "threshold": t.thresholds.tolist(),
                    "value": t.values.reshape(len(t.features), -1).tolist(), "cover": t.node_sample_weight.tolist()})
    return out


def values_3d(v, outputs):
    v = np.asarray(v)
    if v.ndim == 2:
        v = v[:, :, None]
    return [[v[r, :, k].tolist() for k in range(outputs)] for r in range(v.shape[0])]


def tree_case(name, model, x, rows):
    e = shap.TreeExplainer(model)
    sv = e.shap_values(x[:rows], check_additivity=True)
    base = np.atleast_1d(e.expected_value).tolist()
    return {"name": name, "trees": trees_of(e), "base_offset": np.atleast_1d(e.model.base_offset).tolist(),
            "x": x[:rows].astype(float).tolist(), "expected_value": base, "shap_values": values_3d(sv, len(base))}


def main():
    cases = []
    wine = load_wine(); xw = wine.data.astype(np.float32); yw = wine.target
    rf = RandomForestClassifier(n_estimators=10, max_depth=5, random_state=0).fit(xw, yw)
    cases.append(tree_case("random_forest_wine", rf, xw, 12))
    dia = load_diabetes(); xd = dia.data.astype(np.float32); yd = dia.target
    gb = GradientBoostingRegressor(n_estimators=20, max_depth=3, random_state=0).fit(xd, yd)
    cases.append(tree_case("gradient_boosting_diabetes", gb, xd, 12))
    dt = DecisionTreeRegressor(max_depth=8, random_state=0).fit(xd, yd)
    cases.append(tree_case("deep_tree_diabetes", dt, xd, 12))
    bc = load_breast_cancer(); xb = bc.data.astype(np.float32); yb = bc.target
    hgb = HistGradientBoostingClassifier(max_iter=15, random_state=0).fit(xb, yb)
    cases.append(tree_case("hist_gradient_boosting_cancer", hgb, xb, 12))

    # Linear SHAP, interventional: coefficient × (x − background mean), in log-odds.
    xs = (xb[:, :8] - xb[:, :8].mean(0)) / xb[:, :8].std(0)
    lr = LogisticRegression(max_iter=1000).fit(xs, yb)
    le = shap.LinearExplainer(lr, xs, feature_perturbation="interventional")
    linear = {"coefficients": lr.coef_[0].tolist(), "intercept": float(lr.intercept_[0]), "means": np.asarray(le.mean, dtype=float).tolist(),  # shap samples 100 background rows
              "x": xs[:10].astype(float).tolist(), "expected_value": float(np.atleast_1d(le.expected_value)[0]),
              "shap_values": le.shap_values(xs[:10]).tolist()}

    # KernelSHAP of the wine forest's probabilities against 16 background rows: every coalition
    # (2^13 − 2), so shap's answer is the exact Shapley value; no L1 selection.
    background = xw[::11][:16]
    ke = shap.KernelExplainer(rf.predict_proba, background)
    exact = ke.shap_values(xw[:4], nsamples=2 ** 13 - 2, l1_reg=False, silent=True)
    kernel = {"background": background.astype(float).tolist(), "x": xw[:4].astype(float).tolist(),
              "expected_value": np.atleast_1d(ke.expected_value).tolist(), "shap_values": values_3d(exact, 3)}

    versions = {"shap": shap.__version__, "scikit-learn": sklearn.__version__, "numpy": np.__version__}
    with open(os.path.join(OUT, "shap_trees.json"), "w") as f:
        json.dump({"versions": versions, "cases": cases}, f)
    with open(os.path.join(OUT, "shap_linear_kernel.json"), "w") as f:
        json.dump({"versions": versions, "linear": linear, "kernel": kernel, "kernel_forest": cases[0]["trees"]}, f)


if __name__ == "__main__":
    main()


def global_fixture():
    """Permutation importance and partial dependence of a fitted logistic regression on wine
    (standardised, 3 classes): the effective permutations scikit-learn applied are recorded so
    that the Swift side can score the very same shuffles."""
    from sklearn.inspection import permutation_importance, partial_dependence
    from sklearn.utils import check_random_state
    wine = load_wine(); x = (wine.data - wine.data.mean(0)) / wine.data.std(0); y = wine.target
    lr = LogisticRegression(max_iter=2000, C=0.05).fit(x, y)
    repeats, seed = 4, 11
    result = permutation_importance(lr, x, y, n_repeats=repeats, random_state=seed, scoring="accuracy")
    column_seed = check_random_state(seed).randint(np.iinfo(np.int32).max + 1)
    permutations = []
    for col in range(x.shape[1]):
        rs = check_random_state(column_seed)
        idx = np.arange(x.shape[0]); col_index = np.arange(x.shape[0]); per = []
        for _ in range(repeats):
            rs.shuffle(idx)
            col_index = col_index[idx]
            per.append(col_index.tolist())
        permutations.append(per)
    grid = [[-1.5], [-0.5], [0.0], [0.7], [1.9]]
    pd = partial_dependence(lr, x, [0], grid_resolution=5, method="brute", custom_values={0: [g[0] for g in grid]})
    return {"coefficients": lr.coef_.tolist(), "intercepts": lr.intercept_.tolist(), "x": x.tolist(), "y": y.tolist(),
            "permutations": permutations, "importances": result.importances.tolist(),
            "pd_feature": 0, "pd_grid": grid, "pd_average": pd["average"].tolist()}


if __name__ == "__main__":
    with open(os.path.join(OUT, "sklearn_inspection.json"), "w") as f:
        json.dump(global_fixture(), f)
