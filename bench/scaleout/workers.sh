#!/usr/bin/env bash
# Makespan of decomposed jobs on 1, 2 and 4 `maas worker` processes sharing PostgreSQL and a
# SeaweedFS bucket (one API node that runs no jobs): a 5-fold job (a 1000-tree random forest per fold on
# scikit-learn's digits: 5 fold tasks, then the final fit) and a 32-trial random-search tuning
# job (parallelism 8). Each worker runs one job at a time on one compute thread (MAAS_THREADS=1),
# so on this 2-core machine the speed-up should near 2 at 2 workers and stop there. Prints,
# per run: the makespan, the tasks' compute seconds, and the scheduling overhead per task,
# (workers × makespan − compute) / tasks, an upper bound that also counts idle workers.
#
#   bench/scaleout/workers.sh [repeats=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
MAAS=$PWD/.build/release/maas REPEATS=${1:-3}
WORK=$(mktemp -d)
source tests/lib/servers.sh
pids=()
trap 'kill -9 "${pids[@]}" 2>/dev/null; stop_servers; rm -rf "$WORK"' EXIT
start_postgres
start_seaweedfs bench
export MAAS_MASTER_KEY=$(head -c 32 /dev/urandom | base64)
KEY=bench-admin-key PORT=$(free_port)
MAAS_ADMIN_KEY=$KEY LOG_LEVEL=warning $MAAS serve --port "$PORT" --data-dir "$WORK/api" --database "$DB" --artifacts "$ARTIFACTS" \
  --training-workers 0 > "$WORK/api.log" 2>&1 &
pids+=($!)
for _ in $(seq 150); do curl -sf "http://127.0.0.1:$PORT/v2/health/ready" > /dev/null && break; sleep 0.1; done
curl -sf -o /dev/null -H "Authorization: Bearer $KEY" --data-binary @data/sklearn/digits.csv "http://127.0.0.1:$PORT/v1/datasets/digits?format=csv"
workers=()
set_workers() { # n: exactly n workers running
  while [ ${#workers[@]} -gt "$1" ]; do kill "${workers[-1]}"; wait "${workers[-1]}" 2>/dev/null || true; unset 'workers[-1]'; done
  while [ ${#workers[@]} -lt "$1" ]; do
    local n=${#workers[@]}
    MAAS_THREADS=1 LOG_LEVEL=warning $MAAS worker --data-dir "$WORK/worker-$n" --database "$DB" --artifacts "$ARTIFACTS" > "$WORK/worker-$n.log" 2>&1 &
    workers+=($!); pids+=($!)
    for _ in $(seq 100); do grep -q '^maas worker' "$WORK/worker-$n.log" && break; sleep 0.1; done
  done
}
run_job() { # kind body -> JSON line
  python3 - "$PORT" "$KEY" "$1" "$2" <<'PY'
import json, sys, time, urllib.request
port, key, kind, body = sys.argv[1:5]
def call(method, path, data=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, data=data and data.encode(),
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))
start = time.monotonic()
job = call("POST", f"/v1/{kind}", body)
while job["state"] not in ("succeeded", "failed", "cancelled"):
    time.sleep(0.05)
    job = call("GET", f"/v1/{kind}/{job['id']}")
makespan = time.monotonic() - start
assert job["state"] == "succeeded", job
tasks = job.get("tasks", [])
compute = job["compute_seconds"] + sum(t["compute_seconds"] for t in tasks)
print(json.dumps({"makespan_s": round(makespan, 3), "tasks": len(tasks) + 1, "compute_s": round(compute, 3)}))
PY
}
KFOLD='{"name": "digits-cv", "dataset": "digits", "target": "target", "spec": {"algorithm": "random_forest", "n_estimators": 1000}, "validation": {"kfold": 5}, "seed": 1}'
TUNING='{"name": "digits-tuned", "dataset": "digits", "target": "target", "spec": {"algorithm": "random_forest"}, "validation": {"holdout": 0.25}, "seed": 1,
  "space": {"spec.n_estimators": {"int": [100, 300]}, "spec.max_depth": {"int": [4, 16]}}, "sampler": "random",
  "objective": {"metric": "accuracy", "direction": "maximize"}, "trials": 32, "parallelism": 8}'
for round in $(seq "$REPEATS"); do
  for n in 1 2 4; do
    set_workers "$n"
    for job in kfold tuning; do
      if [ $job = kfold ]; then line=$(run_job training-jobs "$KFOLD"); else line=$(run_job tuning-jobs "$TUNING"); fi
      python3 -c "
import json, sys
r = json.loads(sys.argv[1]); n = int(sys.argv[2])
r.update(job=sys.argv[3], workers=n, round=int(sys.argv[4]),
         overhead_ms_per_task=round(1000 * (n * r['makespan_s'] - r['compute_s']) / r['tasks'], 1))
print(json.dumps(r))" "$line" "$n" "$job" "$round"
    done
  done
done
