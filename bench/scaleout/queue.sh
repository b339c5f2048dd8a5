#!/usr/bin/env bash
# The job queue's claims/s and per-task database work (`maas bench queue`) for two builds,
# interleaved: PostgreSQL 15 on loopback (tests/lib/servers.sh), 1 and 8 workers, 3 rounds,
# then SQLite with 8 workers. Copy each build's binary aside first, e.g.
#   cp .build/release/maas /tmp/maas-before   (build the change)   cp .build/release/maas /tmp/maas-after
#   bench/scaleout/queue.sh /tmp/maas-before /tmp/maas-after [jobs=1000] [rounds=3]
# With one binary, pass it twice.
set -uo pipefail
cd "$(dirname "$0")/../.."
BEFORE=$1 AFTER=$2 JOBS=${3:-1000} ROUNDS=${4:-3}
WORK=$(mktemp -d)
source tests/lib/servers.sh
trap 'stop_servers; rm -rf "$WORK"' EXIT
start_postgres
for round in $(seq "$ROUNDS"); do
  for workers in 1 8; do
    for build in before after; do
      binary=$BEFORE; [ $build = after ] && binary=$AFTER
      echo "round $round $build $("$binary" bench queue --database "$DB" --workers $workers --jobs "$JOBS" | tail -1)"
    done
  done
done
for build in before after; do
  binary=$BEFORE; [ $build = after ] && binary=$AFTER
  echo "sqlite $build $("$binary" bench queue --workers 8 --jobs "$JOBS" | tail -1)"
done
