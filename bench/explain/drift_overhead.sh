#!/usr/bin/env bash
# What drift recording costs: two servers from the same binary, one with MAAS_DRIFT=off, each
# serving the same job-trained random forest on iris (scikit-learn's CSV); wrk posts one
# named-value instance per request (the JSON path that records every column), rounds
# interleaved. Prints requests/s per round and the median ratio (recording / not).
#   bench/explain/drift_overhead.sh [rounds=5] [seconds=8] [connections=16]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-5} DURATION=${2:-8} CONNECTIONS=${3:-16}
MAAS=$PWD/.build/release/maas
OUT=$PWD/bench/out/drift
KEY=bench-admin-key
mkdir -p "$OUT"
command -v wrk > /dev/null || apt-get install -y -qq wrk
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
echo '{"instances": [{"x0": 5.9, "x1": 3.0, "x2": 4.2, "x3": 1.5}]}' > "$OUT/body.json"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null' EXIT
declare -A PORT
for variant in off on; do
  port=$(free_port); PORT[$variant]=$port
  rm -rf "$OUT/data-$variant"
  MAAS_DRIFT=$([ $variant = off ] && echo off || echo on) MAAS_ADMIN_KEY=$KEY LOG_LEVEL=warning \
    "$MAAS" serve --port "$port" --data-dir "$OUT/data-$variant" > "$OUT/$variant.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null && break; sleep 0.1; done
  base=http://127.0.0.1:$port
  curl -sf -X POST -H "Authorization: Bearer $KEY" --data-binary @data/sklearn/iris.csv "$base/v1/datasets/iris?format=csv" > /dev/null
  job=$(curl -sf -X POST -H "Authorization: Bearer $KEY" -d '{"name": "iris", "dataset": "iris", "target": "target", "spec": {"algorithm": "random_forest", "n_estimators": 20}}' "$base/v1/training-jobs" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  curl -sf -H "Authorization: Bearer $KEY" "$base/v1/training-jobs/$job/events" > /dev/null
  curl -sf -X POST -H "Authorization: Bearer $KEY" -d '{"name": "iris", "model": "iris@1"}' "$base/v1/deployments" > /dev/null
  curl -sf -X POST -H "Authorization: Bearer $KEY" --data-binary @"$OUT/body.json" "$base/v1/models/iris:predict" > /dev/null
done
rate() { BODY=$OUT/body.json KEY=$KEY wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/serving/post.lua "http://127.0.0.1:${PORT[$1]}/v1/models/iris:predict" | sed -n 's/^Requests\/sec: *//p'; }
offs=() ons=()
for round in $(seq "$ROUNDS"); do
  if (( round % 2 )); then off=$(rate off); on=$(rate on); else on=$(rate on); off=$(rate off); fi
  offs+=("$off"); ons+=("$on")
  echo "round $round: recording off $off req/s, on $on req/s"
done
curl -sf -H "Authorization: Bearer $KEY" "http://127.0.0.1:${PORT[on]}/v1/endpoints/iris/drift" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("rows seen by the recording server:", r["rows_seen"])'
python3 - "${offs[*]}" "${ons[*]}" <<'PY'
import statistics, sys
off = [float(x) for x in sys.argv[1].split()]; on = [float(x) for x in sys.argv[2].split()]
ratios = [b / a for a, b in zip(off, on)]
print(f"median req/s: off {statistics.median(off):.0f}, on {statistics.median(on):.0f}; median per-round ratio on/off {statistics.median(ratios):.3f} (cost {100 * (1 - statistics.median(ratios)):.1f}%)")
PY
