#!/usr/bin/env bash
# gRPC benchmark: the Fashion-MNIST CNN served by SwiftMaaS over gRPC (maas serve --grpc-port)
# and over HTTP (binary tensor extension), and by MLServer over gRPC (PyTorch custom runtime,
# same weights), in interleaved rounds, each server's CPU time per request read from /proc.
#
# The load generator is h2load (LOADER=h2load, the default; Debian's nghttp2-client): one
# compiled client for every target, so the client's own cost, which shares the 2 cores with
# the server, is the same for gRPC and HTTP (bench/serving/h2load_run.py). LOADER=python uses
# the Python clients instead (grpc.aio and a raw asyncio HTTP/1.1 client: grpc_load.py).
#
#   bench/serving/grpc.sh [rounds=3] [seconds=10] [connections=4] [streams=4]
# gRPC runs keep CONNECTIONS x STREAMS calls in flight on HTTP/2; HTTP runs open as many
# HTTP/1.1 keep-alive connections. (With LOADER=python: processes and requests in flight.)
# Needs: a release build, h2load, and from PyPI in one environment (PYTHON, default python3):
# torch==2.13.0, mlserver==1.7.1, uvloop<0.22 and tritonclient[grpc].
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3} SECONDS_PER_RUN=${2:-10} PROCESSES=${3:-4} CONCURRENCY=${4:-4}
export LOADER=${LOADER:-h2load}
PYTHON=${PYTHON:-python3}
. bench/serving/common.sh
OUT=bench/out/grpc
mkdir -p "$OUT"
OURS=$(free_port) OURS_GRPC=$(free_port) THEIRS=$(free_port) THEIRS_GRPC=$(free_port) THEIRS_METRICS=$(free_port)

prepare_cnn "$OUT"
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
deploy_cnn "$OURS" "$OUT"
wait_for "http://127.0.0.1:$THEIRS/v2/models/cnn/ready"
mlserver_pid=$(pgrep -f "mlserver start" | head -1)

# h2load sends the same bytes every call: the ModelInfer request (a 5-byte gRPC frame header
# and the protobuf, from tritonclient's own message classes) and the binary-extension body.
$PYTHON - "$OUT" <<'PY'
import struct, sys
from tritonclient.grpc import service_pb2
out = sys.argv[1]
image = open(f"{out}/image.bin", "rb").read()[-784 * 4:]
request = service_pb2.ModelInferRequest(model_name="cnn")
request.inputs.add(name="image", datatype="FP32", shape=[1, 28, 28, 1])
request.raw_input_contents.append(image)
message = request.SerializeToString()
open(f"{out}/image.grpc", "wb").write(b"\0" + struct.pack(">I", len(message)) + message)
PY
# Both gRPC servers answer the call h2load will send (h2load sees only the HTTP/2 status, not
# grpc-status): one call each with tritonclient, which raises on any gRPC error.
for target in "127.0.0.1:$OURS_GRPC $KEY" "127.0.0.1:$THEIRS_GRPC"; do
  set -- $target
  $PYTHON - "$1" "${2:-}" "$OUT/image.bin" <<'PY'
import sys, numpy as np, tritonclient.grpc as g
client = g.InferenceServerClient(sys.argv[1])
x = g.InferInput("image", [1, 28, 28, 1], "FP32"); x.set_data_from_numpy(np.frombuffer(open(sys.argv[3], "rb").read()[-784 * 4:], "<f4").reshape(1, 28, 28, 1).copy())
client.infer("cnn", [x], headers={"authorization": f"Bearer {sys.argv[2]}"} if sys.argv[2] else None)
PY
done
load() {
  local label=$1 kind=$2 target=$3 key=$4 pid=$5
  if [ "$LOADER" = python ]; then
    $PYTHON bench/serving/grpc_load.py "$label" "$kind" "$target" cnn "$key" "$pid" "$SECONDS_PER_RUN" "$PROCESSES" "$CONCURRENCY" "$OUT/image.bin"
  elif [ "$kind" = grpc ]; then
    python3 bench/serving/h2load_run.py "$label" grpc "http://$target/inference.GRPCInferenceService/ModelInfer" "$key" "$pid" \
      "$SECONDS_PER_RUN" "$PROCESSES" "$CONCURRENCY" "$OUT/image.grpc"
  else
    python3 bench/serving/h2load_run.py "$label" http "http://$target/v2/models/cnn/infer" "$key" "$pid" \
      "$SECONDS_PER_RUN" "$PROCESSES" "$CONCURRENCY" "$OUT/image.bin" "$(cat "$OUT/image.bin.length")"
  fi | tee -a "$OUT/results.jsonl"
}
: > "$OUT/results.jsonl"
for round in $(seq "$ROUNDS"); do
  load swiftmaas-grpc grpc "127.0.0.1:$OURS_GRPC" "$KEY" "$ours_pid"
  load mlserver-grpc grpc "127.0.0.1:$THEIRS_GRPC" "" "$mlserver_pid"
  load swiftmaas-http http "127.0.0.1:$OURS" "$KEY" "$ours_pid"
done
# Every gRPC call h2load made was answered OK, not only HTTP 200 with an error in the trailers.
if curl -sf -H "Authorization: Bearer $KEY" "http://127.0.0.1:$OURS/metrics" | grep 'maas_grpc_requests_total{method="ModelInfer"' | grep -v 'code="ok"' | grep -v ' 0$'; then
  echo "some gRPC calls failed (above)"; exit 1
fi
python3 - "$OUT/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
labels = list(dict.fromkeys(r["label"] for r in rows))
median = {l: {k: statistics.median(r[k] for r in rows if r["label"] == l) for k in ("rps", "p50_ms", "p99_ms", "server_cpu_us_per_request")} for l in labels}
print(f"loader: {__import__('os').environ.get('LOADER', 'h2load')}")
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
