#!/usr/bin/env bash
# What tracing costs inference: the Fashion-MNIST CNN served by two `maas serve` processes, one
# without tracing and one with --otlp-endpoint (spans exported to a
# receiver on loopback that accepts and drops them; SAMPLING sets --trace-sampling), loaded in interleaved rounds by the same
# client (grpc_load.py, HTTP with the binary tensor extension); server CPU per request from /proc.
#
#   SAMPLING=1.0 bench/serving/tracing.sh [rounds=3] [seconds=8] [processes=2] [concurrency=8]
# Needs a release build and, in PYTHON's environment, numpy (and tritonclient for grpc_load.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3} SECONDS_PER_RUN=${2:-8} PROCESSES=${3:-2} CONCURRENCY=${4:-8}
PYTHON=${PYTHON:-python3}
. bench/serving/common.sh
OUT=bench/out/tracing
mkdir -p "$OUT"
OFF=$(free_port) ON=$(free_port) COLLECTOR=$(free_port)
prepare_cnn "$OUT"
python3 -c "
import http.server
class Drop(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers['Content-Length'])); self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', $COLLECTOR), Drop).serve_forever()" &
collector=$!
rm -rf "$OUT/off" "$OUT/on"
MAAS_ADMIN_KEY=$KEY LOG_LEVEL=warning $MAAS serve --port "$OFF" --data-dir "$OUT/off" > "$OUT/off.log" 2>&1 &
off=$!
MAAS_ADMIN_KEY=$KEY LOG_LEVEL=warning $MAAS serve --port "$ON" --data-dir "$OUT/on" --otlp-endpoint "http://127.0.0.1:$COLLECTOR" --trace-sampling "${SAMPLING:-1.0}" > "$OUT/on.log" 2>&1 &
on=$!
trap 'kill $off $on $collector 2>/dev/null' EXIT
for port in $OFF $ON; do deploy_cnn "$port" "$OUT"; done
: > "$OUT/results.jsonl"
for round in $(seq "$ROUNDS"); do
  $PYTHON bench/serving/grpc_load.py tracing-off http "127.0.0.1:$OFF" cnn "$KEY" "$off" "$SECONDS_PER_RUN" "$PROCESSES" "$CONCURRENCY" "$OUT/image.bin" | tee -a "$OUT/results.jsonl"
  $PYTHON bench/serving/grpc_load.py tracing-on http "127.0.0.1:$ON" cnn "$KEY" "$on" "$SECONDS_PER_RUN" "$PROCESSES" "$CONCURRENCY" "$OUT/image.bin" | tee -a "$OUT/results.jsonl"
done
python3 - "$OUT/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
m = {l: {k: statistics.median(r[k] for r in rows if r["label"] == l) for k in ("rps", "p99_ms", "server_cpu_us_per_request")} for l in ("tracing-off", "tracing-on")}
for l, v in m.items():
    print(f"{l:12} {v['rps']:8.0f} req/s  p99 {v['p99_ms']:6.2f} ms  server CPU {v['server_cpu_us_per_request']:5.0f} µs/request")
print(f"tracing on: throughput {m['tracing-on']['rps'] / m['tracing-off']['rps']:.3f}x, "
      f"server CPU per request {m['tracing-on']['server_cpu_us_per_request'] / m['tracing-off']['server_cpu_us_per_request']:.3f}x")
PY
