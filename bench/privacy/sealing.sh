#!/usr/bin/env bash
# Encryption at rest against no encryption, same run, same 1 GB CSV, interleaved rounds:
# upload (the server's upload path) and a training job's read, plus the bytes alone.
# Usage: bench/privacy/sealing.sh [ROUNDS=3] [BYTES=1000000000]
# Needs the product build (make build). Scratch space: SCRATCH (default /tmp), about 4 GB.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-${ROUNDS:-3}}
BYTES=${BYTES:-1000000000}
SCRATCH=${SCRATCH:-/tmp}
CSV=$SCRATCH/maas-sealing-bench.csv
[ -s "$CSV" ] && [ "$(stat -c %s "$CSV")" -ge "$BYTES" ] || python3 bench/privacy/make_csv.py "$CSV" --bytes "$BYTES"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p')"
.build/release/maas bench sealing --csv "$CSV" --dir "$SCRATCH/maas-sealing-bench" --rounds "$ROUNDS"
