#!/usr/bin/env bash
# Soak: REQUESTS (default 1,000,000) inference requests over 64 keep-alive connections on
# loopback (wrk), mixing JSON, binary-tensor and text requests across two endpoints, run in
# chunks of CHUNK seconds with the server's resident memory read after each. During the run the
# iris endpoint's alias moves to another version, and a large model is loaded past the memory
# budget so the least recently used models are evicted (and reloaded on their next request).
# Passes when no request failed and the RSS at the end is within 5% of its value after warm-up.
#
#   bench/soak.sh [requests=1000000] [chunk_seconds=10]
# Needs wrk (Debian) and a release build. Writes bench/out/soak/chunks.jsonl and summary.json.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-1000000} CHUNK=${2:-10}
MAAS=${MAAS:-.build/release/maas}
OUT=bench/out/soak
rm -rf "$OUT" && mkdir -p "$OUT"
KEY=soak-admin-key-000000000000000
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
# 1 MiB of loaded models: the three small ones fit, the wide network does not.
MAAS_ADMIN_KEY=$KEY "$MAAS" serve --port "$PORT" --data-dir "$OUT/data" --model-memory-mib 1 > "$OUT/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "$URL/v2/health/ready" > /dev/null && break; sleep 0.2; done
api() { curl -sf -H "Authorization: Bearer $KEY" "$@"; }
train() { # body
  local id
  id=$(api -X POST -d "$1" "$URL/v1/training-jobs" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  api "$URL/v1/training-jobs/$id/events" | grep -q "event: metrics" || { echo "training failed: $1" >&2; exit 1; }
}
api -X POST --data-binary @data/sklearn/iris.csv "$URL/v1/datasets/iris?format=csv" > /dev/null
python3 - > "$OUT/reviews.csv" <<'PY'
import random
random.seed(0)
good = "great fresh tasty lovely crisp delicious excellent sweet perfect favourite".split()
bad = "stale bland awful soggy overpriced burnt sour disappointing rancid dull".split()
print("review,label")
for i in range(2000):
    words, label = (good, "positive") if i % 2 else (bad, "negative")
    print(" ".join(random.choice(words + ["the", "and", "taste", "buy", "again"]) for _ in range(8)) + "," + label)
PY
api -X POST --data-binary @"$OUT/reviews.csv" "$URL/v1/datasets/reviews?format=csv" > /dev/null
train '{"name": "iris", "dataset": "iris", "target": "target", "spec": {"algorithm": "logistic_regression"}}'
train '{"name": "iris", "dataset": "iris", "target": "target", "spec": {"algorithm": "random_forest", "n_estimators": 20}}'
train '{"name": "reviews", "dataset": "reviews", "target": "label", "spec": {"algorithm": "logistic_regression"}}'
train '{"name": "wide", "dataset": "iris", "target": "target", "epochs": 1, "spec": {"input": {"shape": [4]}, "layers": [{"type": "dense", "units": 700, "activation": "relu"}, {"type": "dense", "units": 700, "activation": "relu"}, {"type": "dense", "units": 3, "activation": "softmax"}], "loss": "sparse_categorical_crossentropy"}}'
api -X PUT -d '{"version": 1}' "$URL/v1/models/iris/aliases/live" > /dev/null
api -X POST -d '{"name": "iris", "model": "iris@live"}' "$URL/v1/deployments" > /dev/null
api -X POST -d '{"name": "reviews", "model": "reviews"}' "$URL/v1/deployments" > /dev/null
api -X POST -d '{"name": "wide", "model": "wide"}' "$URL/v1/deployments" > /dev/null

rss() { awk '/VmRSS/ {print $2}' /proc/$server/status; }
total=0 chunk=0
echo "chunk requests rps p50_ms p99_ms errors rss_kib event"
while (( total < REQUESTS )); do
  chunk=$((chunk + 1)); event="-"
  if (( chunk == 4 )); then
    api -X PUT -d '{"version": 2}' "$URL/v1/models/iris/aliases/live" > /dev/null; event="alias live: iris 1 -> 2"
  elif (( chunk == 7 )); then
    api -X POST -H 'Content-Type: application/json' -d '{"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}' \
      "$URL/v2/models/wide/infer" > /dev/null; event="wide model loaded past the budget: LRU eviction"
  fi
  KEY=$KEY wrk -t2 -c64 -d"${CHUNK}s" --latency -s bench/soak/mix.lua "$URL" > "$OUT/wrk-$chunk.txt"
  line=$(python3 - "$OUT/wrk-$chunk.txt" "$chunk" "$(rss)" "$event" <<'PY'
import json, re, sys
text, chunk, rss, event = open(sys.argv[1]).read(), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def ms(label):
    m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    return float(m.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3}[m.group(2)]
requests = int(re.search(r"(\d+) requests in", text).group(1))
errors = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", text)) else 0
errors += sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
row = {"chunk": chunk, "requests": requests, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
       "p50_ms": ms(50), "p99_ms": ms(99), "errors": errors, "rss_kib": rss, "event": event}
print(json.dumps(row))
PY
)
  echo "$line" >> "$OUT/chunks.jsonl"
  echo "$line" | python3 -c 'import json, sys; r = json.load(sys.stdin); print(r["chunk"], r["requests"], round(r["rps"]), r["p50_ms"], r["p99_ms"], r["errors"], r["rss_kib"], r["event"])'
  total=$((total + $(echo "$line" | python3 -c 'import json, sys; print(json.load(sys.stdin)["requests"])')))
done
api "$URL/metrics" > "$OUT/metrics.txt"
python3 - "$OUT/chunks.jsonl" "$OUT/metrics.txt" <<'PY' | tee "$OUT/summary.json"
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
warm = rows[min(1, len(rows) - 1)]["rss_kib"]  # after the first chunk (warm-up)
end = rows[-1]["rss_kib"]
summary = {"requests": sum(r["requests"] for r in rows), "errors": sum(r["errors"] for r in rows),
           "median_rps": statistics.median(r["rps"] for r in rows), "median_p50_ms": statistics.median(r["p50_ms"] for r in rows),
           "max_p99_ms": max(r["p99_ms"] for r in rows), "rss_after_warmup_kib": warm, "rss_end_kib": end,
           "rss_change": (end - warm) / warm,
           **{name: float(line.split()[-1]) for line in open(sys.argv[2]) for name in ["maas_model_loads_total", "maas_model_evictions_total"]
              if line.startswith(name + " ") or line.startswith(name + "{")},
           "passed": sum(r["errors"] for r in rows) == 0 and abs(end - warm) / warm <= 0.05}
print(json.dumps(summary))
PY
