#!/usr/bin/env bash
# A simulated larger run: time-scaled tasks (each "works" by sleeping TASK_MS, so workers need
# no core) on 1 to 32 concurrent workers, each with its own PostgreSQL connection pool as a
# separate process has; prints the makespan against the ideal (jobs × TASK_MS / workers) and
# the queue's overhead per task. PostgreSQL 15 on loopback (tests/lib/servers.sh).
#   bench/scaleout/simulated.sh [jobs=400] [task_ms=50] [rounds=3]
set -uo pipefail
cd "$(dirname "$0")/../.."
MAAS=$PWD/.build/release/maas JOBS=${1:-400} TASK_MS=${2:-50} ROUNDS=${3:-3}
WORK=$(mktemp -d)
source tests/lib/servers.sh
trap 'stop_servers; rm -rf "$WORK"' EXIT
start_postgres
for round in $(seq "$ROUNDS"); do
  for workers in 1 2 4 8 16 32; do
    echo "round $round $("$MAAS" bench queue --database "$DB" --workers $workers --jobs "$JOBS" --task-ms "$TASK_MS" | tail -1)"
  done
done
