#!/usr/bin/env bash
# gRPC benchmark: the Fashion-MNIST CNN served by SwiftMaaS over gRPC (maas serve --grpc-port)
# and over HTTP (binary tensor extension), and by MLServer over gRPC (PyTorch custom runtime,
# same weights), loaded in interleaved rounds by the same Python client (grpc_load.py), which
# also reads each server's CPU time per request from /proc.
#
#   bench/serving/grpc.sh [rounds=3] [seconds=10] [processes=2] [concurrency=8]
# Needs: a release build, and from PyPI in one environment (PYTHON, default python3):
# torch==2.13.0, mlserver==1.7.1, uvloop<0.22 and tritonclient[grpc].
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3} SECONDS_PER_RUN=${2:-10} PROCESSES=${3:-2} CONCURRENCY=${4:-8}
PYTHON=${PYTHON:-python3}
MAAS=.build/release/maas
OUT=bench/out/grpc
FASHION=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
mkdir -p "$OUT"
KEY="bench-admin-key-000000000000000000"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
OURS=$(free_port) OURS_GRPC=$(free_port) THEIRS=$(free_port) THEIRS_GRPC=$(free_port) THEIRS_METRICS=$(free_port)

[ -f "$OUT/cnn/model.json" ] || $MAAS train --spec examples/fashion_cnn.json --data "$FASHION" --epochs 1 --json --output "$OUT/cnn" > /dev/null
$PYTHON bench/serving/make_bodies.py "$OUT"
rm -rf "$OUT/data"
MAAS_ADMIN_KEY=$KEY LOG_LEVEL=warning $MAAS serve --port "$OURS" --grpc-port "$OURS_GRPC" --data-dir "$OUT/data" > "$OUT/maas.log" 2>&1 &
ours_pid=$!
mkdir -p "$OUT/mlserver/cnn"
cat > "$OUT/mlserver/settings.json" <<JSON
{"http_port": $THEIRS, "grpc_port": $THEIRS_GRPC, "metrics_port": $THEIRS_METRICS, "debug": false, "parallel_workers": 0}
JSON
cat > "$OUT/mlserver/cnn/model-settings.json" <<JSON
{"name": "cnn", "implementation": "torch_cnn_runtime.TorchCNN",
 "parameters": {"uri": "$(pwd)/$OUT/cnn/weights.safetensors", "extra": {"threads": 2}}}
JSON
(cd bench/serving && PYTHONPATH=. exec "$(dirname "$(command -v $PYTHON)")/mlserver" start "../../$OUT/mlserver" > "../../$OUT/mlserver.log" 2>&1) &
theirs_pid=$!
trap 'kill $ours_pid $theirs_pid 2>/dev/null; pkill -f "mlserver start" 2>/dev/null || true' EXIT
wait_for() { for _ in $(seq 600); do python3 -c "import urllib.request; urllib.request.urlopen('$1', timeout=1)" 2>/dev/null && return; sleep 0.2; done; echo "$1 never came up"; exit 1; }
wait_for "http://127.0.0.1:$OURS/v2/health/ready"
wait_for "http://127.0.0.1:$THEIRS/v2/models/cnn/ready"
api() { curl -sf -H "Authorization: Bearer $KEY" -d "$2" "http://127.0.0.1:$OURS$1" > /dev/null; }
api /v1/models/cnn/versions "{\"path\": \"$(pwd)/$OUT/cnn\"}"
api /v1/deployments '{"name": "cnn", "model": "cnn"}'
mlserver_pid=$(pgrep -f "mlserver start" | head -1)

load() { $PYTHON bench/serving/grpc_load.py "$@" "$SECONDS_PER_RUN" "$PROCESSES" "$CONCURRENCY" "$OUT/image.bin" | tee -a "$OUT/results.jsonl"; }
: > "$OUT/results.jsonl"
for round in $(seq "$ROUNDS"); do
  load swiftmaas-grpc grpc "127.0.0.1:$OURS_GRPC" cnn "$KEY" "$ours_pid"
  load mlserver-grpc grpc "127.0.0.1:$THEIRS_GRPC" cnn "" "$mlserver_pid"
  load swiftmaas-http http "127.0.0.1:$OURS" cnn "$KEY" "$ours_pid"
done
python3 - "$OUT/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
labels = list(dict.fromkeys(r["label"] for r in rows))
median = {l: {k: statistics.median(r[k] for r in rows if r["label"] == l) for k in ("rps", "p50_ms", "p99_ms", "server_cpu_us_per_request")} for l in labels}
print(f"{'':16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'server CPU µs/req':>18}   (medians of {len(rows) // len(labels)} rounds)")
for l in labels:
    m = median[l]
    print(f"{l:16} {m['rps']:8.0f} {m['p50_ms']:8.2f} {m['p99_ms']:8.2f} {m['server_cpu_us_per_request']:18.0f}")
ours = median["swiftmaas-grpc"]
for other in ("swiftmaas-http", "mlserver-grpc"):
    o = median[other]
    print(f"swiftmaas-grpc vs {other}: throughput {ours['rps'] / o['rps']:.2f}x, p99 {o['p99_ms'] / ours['p99_ms']:.2f}x lower, "
          f"server CPU per request {o['server_cpu_us_per_request'] / ours['server_cpu_us_per_request']:.2f}x less")
PY
