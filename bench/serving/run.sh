#!/usr/bin/env bash
# Serving benchmark: the Fashion-MNIST CNN behind SwiftMaaS and behind MLServer (PyTorch custom
# runtime, same weights), loaded by wrk in interleaved rounds on this machine; then the server
# overhead of a small tabular model (iris logistic regression) at one connection.
#
#   bench/serving/run.sh [rounds=3] [seconds=10] [connections=16]
# Needs: wrk (apt), a release build (make build), and from PyPI: torch==2.13.0, mlserver==1.7.1 and
# uvloop<0.22 (uvloop 0.22+ breaks the start of MLServer's parallel inference workers).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3} SECONDS_PER_RUN=${2:-10} CONNECTIONS=${3:-16}
MAAS=.build/release/maas
OUT=bench/out/serving
FASHION=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
mkdir -p "$OUT"
export KEY="bench-admin-key"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
OURS=$(free_port) THEIRS=$(free_port) THEIRS_GRPC=$(free_port) THEIRS_METRICS=$(free_port)

[ -f "$OUT/cnn/model.json" ] || $MAAS train --spec examples/fashion_cnn.json --data "$FASHION" --epochs 1 --json --output "$OUT/cnn" > /dev/null
[ -f "$OUT/iris/model.json" ] || $MAAS train --spec '{"algorithm": "logistic_regression"}' --data data/sklearn/iris.csv --target target --output "$OUT/iris" > /dev/null
python3 bench/serving/make_bodies.py "$OUT"

rm -rf "$OUT/data"
MAAS_ADMIN_KEY=$KEY LOG_LEVEL=warning $MAAS serve --port "$OURS" --data-dir "$OUT/data" > "$OUT/maas.log" 2>&1 &
ours_pid=$!
mkdir -p "$OUT/mlserver/cnn" "$OUT/mlserver/cnn-batched"
cat > "$OUT/mlserver/settings.json" <<JSON
{"http_port": $THEIRS, "grpc_port": $THEIRS_GRPC, "metrics_port": $THEIRS_METRICS, "debug": false}
JSON
cat > "$OUT/mlserver/cnn/model-settings.json" <<JSON
{"name": "cnn", "implementation": "torch_cnn_runtime.TorchCNN",
 "parameters": {"uri": "$(pwd)/$OUT/cnn/weights.safetensors", "extra": {"threads": 2}}}
JSON
# The same model with MLServer's adaptive batching (up to 32 requests or 2 ms), its tuned setting.
cat > "$OUT/mlserver/cnn-batched/model-settings.json" <<JSON
{"name": "cnn-batched", "implementation": "torch_cnn_runtime.TorchCNN", "max_batch_size": 32, "max_batch_time": 0.002,
 "parameters": {"uri": "$(pwd)/$OUT/cnn/weights.safetensors", "extra": {"threads": 2}}}
JSON
(cd bench/serving && PYTHONPATH=. mlserver start "../../$OUT/mlserver" > "../../$OUT/mlserver.log" 2>&1) &
theirs_pid=$!
trap 'kill $ours_pid $theirs_pid 2>/dev/null; pkill -f "mlserver start" 2>/dev/null || true' EXIT

api() { python3 -c "
import json, sys, urllib.request
r = urllib.request.Request('http://127.0.0.1:$OURS' + sys.argv[1], data=sys.argv[2].encode(),
                           headers={'Authorization': 'Bearer $KEY', 'Content-Type': 'application/json'})
urllib.request.urlopen(r).read()" "$1" "$2"; }
wait_for() { for _ in $(seq 600); do python3 -c "import urllib.request; urllib.request.urlopen('$1', timeout=1)" 2>/dev/null && return; sleep 0.2; done; echo "$1 never came up"; exit 1; }
wait_for "http://127.0.0.1:$OURS/v2/health/ready"
wait_for "http://127.0.0.1:$THEIRS/v2/models/cnn/ready"
wait_for "http://127.0.0.1:$THEIRS/v2/models/cnn-batched/ready"
api /v1/models/cnn/versions "{\"path\": \"$(pwd)/$OUT/cnn\"}"
api /v1/models/iris/versions "{\"path\": \"$(pwd)/$OUT/iris\"}"
api /v1/deployments '{"name": "cnn", "model": "cnn"}'
api /v1/deployments '{"name": "iris", "model": "iris"}'
python3 bench/serving/make_bodies.py "$OUT" "http://127.0.0.1:$OURS/v2/models/cnn/infer" "http://127.0.0.1:$THEIRS/v2/models/cnn/infer" "$KEY"

run() { # label url body [content-type header-length key]
  local result
  result=$(BODY=$3 CONTENT_TYPE=${4:-application/json} HEADER_LENGTH=${5:-} KEY=${6-$KEY} \
           wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s bench/serving/post.lua "$2")
  echo "$result" | python3 bench/serving/parse_wrk.py "$1" >> "$OUT/results.jsonl"
  tail -1 "$OUT/results.jsonl"
}
: > "$OUT/results.jsonl"
# Tabular overhead first, alone on the server: one connection, so latency is one request's path.
# The no-op health route gives the floor of client + loopback + HTTP server on this machine.
wrk -t1 -c1 -d"${SECONDS_PER_RUN}s" --latency "http://127.0.0.1:$OURS/v2/health/live" | python3 bench/serving/parse_wrk.py health-1conn >> "$OUT/results.jsonl"
CONNECTIONS=1 run swiftmaas-iris-1conn "http://127.0.0.1:$OURS/v2/models/iris/infer" "$OUT/iris.json"
python3 -c "
import urllib.request
r = urllib.request.Request('http://127.0.0.1:$OURS/metrics', headers={'Authorization': 'Bearer $KEY'})
print(urllib.request.urlopen(r).read().decode())" > "$OUT/metrics.txt"
for round in $(seq "$ROUNDS"); do
  run swiftmaas-json "http://127.0.0.1:$OURS/v2/models/cnn/infer" "$OUT/image.json"
  run mlserver-json "http://127.0.0.1:$THEIRS/v2/models/cnn/infer" "$OUT/image.json" application/json "" ""
  run mlserver-json-batched "http://127.0.0.1:$THEIRS/v2/models/cnn-batched/infer" "$OUT/image.json" application/json "" ""
  run swiftmaas-binary "http://127.0.0.1:$OURS/v2/models/cnn/infer" "$OUT/image.bin" application/octet-stream "$(cat "$OUT/image.bin.length")"
done
python3 bench/serving/summarize.py "$OUT/results.jsonl" "$OUT/metrics.txt"
