#!/usr/bin/env bash
# A tuning job against Optuna (PyPI) on the same search space, objective and trial budget:
# 5-fold CV accuracy of a random forest on scikit-learn's digits, over n_estimators,
# max_depth, min_samples_leaf and max_features, 32 trials, for 5 seeds each. Optuna's TPE
# sampler drives the same objective our trials compute (`maas eval`, the same folds and the
# same forest), so only the search differs. Prints each seed's best score and wall time for
# both, the medians, and our median best minus Optuna's (the target: within 1 point).
#
#   bench/tuning/optuna_compare.sh [SEEDS=5] [TRIALS=32] [PARALLELISM=2]
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS=${1:-5} TRIALS=${2:-32} PARALLELISM=${3:-2}
MAAS=$PWD/.build/release/maas
python3 -c "import optuna" 2>/dev/null || python3 -m pip install --quiet optuna
WORK=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ADMIN=tuning-bench-admin-key
MAAS_ADMIN_KEY=$ADMIN LOG_LEVEL=warning $MAAS serve --port "$PORT" --data-dir "$WORK/data" --training-workers "$PARALLELISM" > "$WORK/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/v2/health/ready" > /dev/null && break; sleep 0.1; done
curl -sf -o /dev/null -H "Authorization: Bearer $ADMIN" --data-binary @data/sklearn/digits.csv "http://127.0.0.1:$PORT/v1/datasets/digits?format=csv"
python3 - "$PORT" "$ADMIN" "$MAAS" "$SEEDS" "$TRIALS" "$PARALLELISM" <<'PY'
import json, statistics, subprocess, sys, time, urllib.request
import optuna
port, key, maas, seeds, trials, parallelism = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
optuna.logging.set_verbosity(optuna.logging.WARNING)
SPACE = {"spec.n_estimators": {"int": [5, 150]}, "spec.max_depth": {"int": [2, 20]},
         "spec.min_samples_leaf": {"int": [1, 10]}, "spec.max_features": {"uniform": [0.05, 0.9]}}

def call(method, path, body=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, data=body and json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))

def ours(seed):
    start = time.monotonic()
    job = call("POST", "/v1/tuning-jobs", {"name": f"digits-rf-{seed}", "dataset": "digits", "target": "target",
        "spec": {"algorithm": "random_forest"}, "validation": {"kfold": 5}, "seed": seed, "space": SPACE, "sampler": "tpe",
        "objective": {"metric": "cv_accuracy", "direction": "maximize"}, "trials": trials, "parallelism": parallelism})
    while job["state"] not in ("succeeded", "failed", "cancelled"):
        time.sleep(0.5)
        job = call("GET", f"/v1/tuning-jobs/{job['id']}")
    if job["state"] != "succeeded": sys.exit(f"tuning job {job['id']} {job['state']}: {job.get('error')}")
    return job["metrics"]["cv_accuracy"], time.monotonic() - start

def optuna_run(seed):
    # The same objective as a trial: `maas eval` runs the same 5 folds (shuffled with the seed) and the same forest.
    def objective(trial):
        spec = {"algorithm": "random_forest", "n_estimators": trial.suggest_int("n_estimators", 5, 150),
                "max_depth": trial.suggest_int("max_depth", 2, 20), "min_samples_leaf": trial.suggest_int("min_samples_leaf", 1, 10),
                "max_features": trial.suggest_float("max_features", 0.05, 0.9)}
        out = subprocess.run([maas, "eval", "--data", "data/sklearn/digits.csv", "--target", "target", "--model", json.dumps(spec),
                              "--cv", "5", "--seed", str(seed), "--json"], check=True, capture_output=True, text=True).stdout
        return json.loads(out)["mean"]["accuracy"]
    start = time.monotonic()
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, n_trials=trials, n_jobs=parallelism)
    return study.best_value, time.monotonic() - start

rows = []
for seed in range(1, seeds + 1):
    o = optuna_run(seed)   # interleaved: Optuna, then ours, for each seed
    s = ours(seed)
    rows.append((seed, o, s))
    print(json.dumps({"seed": seed, "optuna_best": round(o[0], 4), "optuna_seconds": round(o[1], 1),
                      "swiftmaas_best": round(s[0], 4), "swiftmaas_seconds": round(s[1], 1)}), flush=True)
om, sm = statistics.median(r[1][0] for r in rows), statistics.median(r[2][0] for r in rows)
ot, st = statistics.median(r[1][1] for r in rows), statistics.median(r[2][1] for r in rows)
print(json.dumps({"trials": trials, "parallelism": parallelism, "optuna_median_best": round(om, 4), "swiftmaas_median_best": round(sm, 4),
                  "difference_points": round(100 * (sm - om), 2), "optuna_median_seconds": round(ot, 1),
                  "swiftmaas_median_seconds": round(st, 1), "time_ratio": round(st / ot, 2)}))
PY
