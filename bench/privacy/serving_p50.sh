#!/usr/bin/env bash
# Inference latency with encryption at rest and without: the same CNN and iris models served by
# two builds in one run, interleaved round by round. BEFORE is a build from before sealed storage
# (ac365c8: objects stored plain), AFTER is this tree's (every artifact sealed, decrypted once at
# load; the request path does no cryptography). Prints p50/p99 per build and the p50 ratio.
#
#   bench/privacy/serving_p50.sh BEFORE_BINARY [AFTER_BINARY=.build/release/maas] [rounds=5] [seconds=8]
# Making BEFORE: git worktree add /tmp/presealing ac365c8 && (cd /tmp/presealing && make build),
# or check ac365c8 out here, make build and copy .build/release/maas away.
set -euo pipefail
cd "$(dirname "$0")/../.."
BEFORE=$1 AFTER=${2:-.build/release/maas} ROUNDS=${3:-5} SECONDS_PER_RUN=${4:-8}
OUT=$PWD/bench/out/privacy-serving
FASHION=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
KEY=bench-admin-key
mkdir -p "$OUT"
command -v wrk > /dev/null || apt-get install -y -qq wrk
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
[ -f "$OUT/cnn/model.json" ] || $AFTER train --spec examples/fashion_cnn.json --data "$FASHION" --epochs 1 --json --output "$OUT/cnn" > /dev/null
[ -f "$OUT/iris/model.json" ] || $AFTER train --spec '{"algorithm": "logistic_regression"}' --data data/sklearn/iris.csv --target target --output "$OUT/iris" > /dev/null
python3 bench/serving/make_bodies.py "$OUT"
source bench/serving/p50_pair.sh

pids=()
trap 'kill "${pids[@]}" 2>/dev/null' EXIT
declare -A PORT
for build in before after; do
  binary=$([ $build = before ] && echo "$BEFORE" || echo "$AFTER")
  port=$(free_port); PORT[$build]=$port
  rm -rf "$OUT/data-$build"
  MAAS_ADMIN_KEY=$KEY LOG_LEVEL=warning "$binary" serve --port "$port" --data-dir "$OUT/data-$build" > "$OUT/$build.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null && break; sleep 0.1; done
  p50_deploy "$port"
done
p50_compare before "${PORT[before]}" after "${PORT[after]}"
