#!/usr/bin/env python3
"""Fit-time benchmark of classical learners: scikit-learn and SwiftMaaS on the same CSV,
interleaved round by round, medians and ratios (SwiftMaaS time / scikit-learn time).

  python3 bench/sklearn_fit.py [--rows 10000] [--rounds 5]

Data: make_classification(n_samples=rows, n_features=20, n_informative=10, n_classes=3,
random_state=0), standard-scaled on both sides; only the estimator's fit is timed. Both use
both cores where the library can (scikit-learn's forest with n_jobs=-1; its boosting uses
OpenMP; libsvm and lbfgs are single-threaded there).
"""
import argparse, json, os, statistics, subprocess, time
import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MAAS = os.path.join(ROOT, ".build", "release", "maas")
CASES = [
    ("logistic_regression", {"algorithm": "logistic_regression"}, lambda: LogisticRegression()),
    ("svm_rbf", {"algorithm": "svm"}, lambda: SVC()),
    ("random_forest", {"algorithm": "random_forest", "n_estimators": 100}, lambda: RandomForestClassifier(n_estimators=100, n_jobs=-1, random_state=0)),
    ("gradient_boosting", {"algorithm": "gradient_boosting"}, lambda: HistGradientBoostingClassifier(random_state=0)),
]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=10000)
    p.add_argument("--rounds", type=int, default=5)
    a = p.parse_args()
    x, y = make_classification(n_samples=a.rows, n_features=20, n_informative=10, n_classes=3, random_state=0)
    path = os.path.join(ROOT, "bench", "out", f"classification_{a.rows}.csv")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.savetxt(path, np.column_stack([x, y]), delimiter=",", fmt="%.8g",
               header=",".join([f"x{i}" for i in range(20)] + ["target"]), comments="")
    xs = StandardScaler().fit_transform(x)
    results = {name: {"sklearn": [], "swiftmaas": []} for name, _, _ in CASES}
    accuracy = {}
    for r in range(a.rounds):
        for name, spec, make in CASES:
            order = ["sklearn", "swiftmaas"] if r % 2 == 0 else ["swiftmaas", "sklearn"]
            for side in order:
                if side == "sklearn":
                    model = make()
                    start = time.perf_counter()
                    model.fit(xs, y)
                    results[name]["sklearn"].append(time.perf_counter() - start)
                    accuracy[(name, "sklearn")] = model.score(xs, y)
                else:
                    out = subprocess.run([MAAS, "bench", "fit", "--data", path, "--target", "target", "--model", json.dumps(spec)],
                                         capture_output=True, text=True, check=True).stdout
                    row = json.loads(out.strip().splitlines()[-1])
                    results[name]["swiftmaas"].append(row["seconds"])
                    accuracy[(name, "swiftmaas")] = row["training_accuracy"]
    print(f"{a.rows} rows x 20 features, 3 classes; fit seconds, median of {a.rounds}")
    print(f"{'learner':20} {'scikit-learn':>12} {'SwiftMaaS':>10} {'ratio':>6}   train acc (sk / ours)")
    for name, _, _ in CASES:
        s, o = statistics.median(results[name]["sklearn"]), statistics.median(results[name]["swiftmaas"])
        print(f"{name:20} {s:12.3f} {o:10.3f} {o / s:6.2f}   {accuracy[(name, 'sklearn')]:.3f} / {accuracy[(name, 'swiftmaas')]:.3f}")


if __name__ == "__main__":
    main()
