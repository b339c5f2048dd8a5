#!/usr/bin/env python3
"""Writes the scikit-learn reference numbers the Swift tests compare against (run by hand).

  pip install scikit-learn && scripts/fetch_sklearn_data.sh && python3 scripts/make_sklearn_fixtures.py

- Tests/LearnersTests/Fixtures/sklearn_cv.json: 5-fold cross_val_score of
  make_pipeline(StandardScaler(), estimator) on the CSVs from fetch_sklearn_data.sh, with the
  SwiftMaaS learner spec that names the same algorithm and hyperparameters.
- Tests/DatasetsTests/Fixtures/sklearn_metrics.json: metric values on fixed inputs.
"""
import json, os
import numpy as np
import sklearn
from sklearn import metrics
from sklearn.cluster import KMeans
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import LeaveOneOut, cross_val_predict, cross_val_score
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

ROOT = os.path.join(os.path.dirname(__file__), "..")
DATA = os.path.join(ROOT, "data", "sklearn")


def load(name):
    table = np.loadtxt(os.path.join(DATA, f"{name}.csv"), delimiter=",", skiprows=1)
    return table[:, :-1], table[:, -1]


CLASSIFIERS = [
    ({"algorithm": "logistic_regression"}, lambda: LogisticRegression()),
    ({"algorithm": "svm"}, lambda: SVC()),
    ({"algorithm": "svm", "kernel": "linear"}, lambda: SVC(kernel="linear")),
    ({"algorithm": "svm", "kernel": "poly", "degree": 3}, lambda: SVC(kernel="poly", degree=3)),
    ({"algorithm": "decision_tree", "max_depth": 5}, lambda: DecisionTreeClassifier(max_depth=5, random_state=0)),
    ({"algorithm": "random_forest", "n_estimators": 100}, lambda: RandomForestClassifier(n_estimators=100, random_state=0)),
    ({"algorithm": "gradient_boosting"}, lambda: HistGradientBoostingClassifier(random_state=0)),
    ({"algorithm": "knn"}, lambda: KNeighborsClassifier()),
    ({"algorithm": "naive_bayes"}, lambda: GaussianNB()),
]
REGRESSORS = [
    ({"algorithm": "linear_regression"}, lambda: LinearRegression()),
    ({"algorithm": "ridge", "alpha": 1.0}, lambda: Ridge(alpha=1.0)),
    ({"algorithm": "lasso", "alpha": 0.1}, lambda: Lasso(alpha=0.1)),
    ({"algorithm": "elastic_net", "alpha": 0.1, "l1_ratio": 0.5}, lambda: ElasticNet(alpha=0.1, l1_ratio=0.5)),
    ({"algorithm": "decision_tree", "max_depth": 3}, lambda: DecisionTreeRegressor(max_depth=3, random_state=0)),
    ({"algorithm": "random_forest", "n_estimators": 100}, lambda: RandomForestRegressor(n_estimators=100, random_state=0)),
    ({"algorithm": "gradient_boosting"}, lambda: HistGradientBoostingRegressor(random_state=0)),
    ({"algorithm": "knn"}, lambda: KNeighborsRegressor()),
]


# Random forests vary more from seed to seed than the tolerance (iris: 0.947-0.967 over
# random_state 0-9), so both sides average over these seeds.
FOREST_SEEDS = [0, 1, 2, 3, 4]


def case(dataset, spec, make, x, y, metric):
    if spec["algorithm"] != "random_forest":
        scores = cross_val_score(make_pipeline(StandardScaler(), make()), x, y, cv=5, scoring=metric)
        return {"dataset": dataset, "spec": spec, "metric": metric, "folds": scores.tolist(), "mean": scores.mean()}
    means = []
    for seed in FOREST_SEEDS:
        estimator = make().set_params(random_state=seed)
        means.append(cross_val_score(make_pipeline(StandardScaler(), estimator), x, y, cv=5, scoring=metric).mean())
    return {"dataset": dataset, "spec": spec, "metric": metric, "folds": means, "mean": float(np.mean(means)), "seeds": FOREST_SEEDS}


def cv_cases():
    cases = []
    for dataset in ["iris", "wine", "breast_cancer", "digits"]:
        x, y = load(dataset)
        for spec, make in CLASSIFIERS:
            cases.append(case(dataset, spec, make, x, y, "accuracy"))
    x, y = load("diabetes")
    for spec, make in REGRESSORS:
        cases.append(case("diabetes", spec, make, x, y, "r2"))
    # Leave-one-out: predictions pooled over the n single-row folds, scored once.
    for dataset, spec, make, metric in [("iris", {"algorithm": "knn"}, lambda: KNeighborsClassifier(), "accuracy"),
                                        ("wine", {"algorithm": "logistic_regression"}, lambda: LogisticRegression(), "accuracy"),
                                        ("diabetes", {"algorithm": "ridge", "alpha": 1.0}, lambda: Ridge(alpha=1.0), "r2")]:
        x, y = load(dataset)
        predicted = cross_val_predict(make_pipeline(StandardScaler(), make()), x, y, cv=LeaveOneOut())
        score = metrics.accuracy_score(y, predicted) if metric == "accuracy" else metrics.r2_score(y, predicted)
        cases.append({"dataset": dataset, "spec": spec, "metric": metric, "folds": [score], "mean": score, "scheme": "loo"})
    x, _ = load("iris")
    inertia = KMeans(n_clusters=3, n_init=10, random_state=0).fit(x).inertia_
    return {"sklearn_version": sklearn.__version__, "cases": cases, "kmeans_iris_raw_k3_inertia": inertia}


def metric_fixtures():
    rng = np.random.default_rng(3)
    n, k = 60, 4
    truth = rng.integers(0, k, n)
    proba = rng.dirichlet(np.ones(k), n)
    predicted = np.where(rng.random(n) < 0.6, truth, proba.argmax(1))
    binary_truth = rng.integers(0, 2, n)
    scores = np.round(rng.random(n), 2)  # rounded: ties exercise average ranks
    y = rng.normal(10, 3, n)
    y_hat = y + rng.normal(0, 1, n)
    out = {
        "truth": truth.tolist(), "predicted": predicted.tolist(), "probabilities": proba.tolist(),
        "binary_truth": binary_truth.tolist(), "scores": scores.tolist(), "y": y.tolist(), "y_hat": y_hat.tolist(),
        "accuracy": metrics.accuracy_score(truth, predicted),
        "confusion_matrix": metrics.confusion_matrix(truth, predicted).tolist(),
        "roc_auc_binary": metrics.roc_auc_score(binary_truth, scores),
        "roc_auc_ovr_macro": metrics.roc_auc_score(truth, proba, multi_class="ovr", average="macro"),
        "roc_auc_ovr_weighted": metrics.roc_auc_score(truth, proba, multi_class="ovr", average="weighted"),
        "log_loss": metrics.log_loss(truth, proba),
        "mse": metrics.mean_squared_error(y, y_hat), "mae": metrics.mean_absolute_error(y, y_hat),
        "r2": metrics.r2_score(y, y_hat), "mape": metrics.mean_absolute_percentage_error(y, y_hat),
    }
    for average in ["macro", "micro", "weighted"]:
        p, r, f, _ = metrics.precision_recall_fscore_support(truth, predicted, average=average, zero_division=0)
        out[f"precision_{average}"], out[f"recall_{average}"], out[f"f1_{average}"] = p, r, f
    texts = ["The quick brown fox jumps over the lazy dog.", "A dog! A DOG? dogs and cats, 42 cats", "",
             "naïve café — über straße", "fox fox fox x y z"]
    from sklearn.feature_extraction.text import TfidfVectorizer
    vectorizer = TfidfVectorizer()
    out["tfidf"] = {"texts": texts, "vocabulary": sorted(vectorizer.fit(texts).vocabulary_, key=vectorizer.vocabulary_.get),
                    "matrix": vectorizer.transform(texts).toarray().tolist()}
    p, r, f, s = metrics.precision_recall_fscore_support(truth, predicted, average=None, zero_division=0)
    out["per_class"] = {"precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(), "support": s.tolist()}
    return out


if __name__ == "__main__":
    with open(os.path.join(ROOT, "Tests", "LearnersTests", "Fixtures", "sklearn_cv.json"), "w") as f:
        json.dump(cv_cases(), f, indent=1)
    with open(os.path.join(ROOT, "Tests", "DatasetsTests", "Fixtures", "sklearn_metrics.json"), "w") as f:
        json.dump(metric_fixtures(), f, indent=1)
    print("wrote sklearn fixtures")
