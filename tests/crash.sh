#!/usr/bin/env bash
# Crash harness (tests/crash/harness.py): a workload against `maas serve` killed with SIGKILL
# CRASH_KILLS times (default 100; make test runs 20), `maas check` between kills, every
# acknowledged object verified after each restart. Writes the counts to $CRASH_REPORT if set.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MAAS=${MAAS:-$ROOT/.build/release/maas}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
status=0
python3 "$ROOT/tests/crash/harness.py" --maas "$MAAS" --work "$WORK" --kills "${CRASH_KILLS:-100}" --seed "${CRASH_SEED:-1}" \
    ${CRASH_REPORT:+--report "$CRASH_REPORT"} || status=$?
if [ $status -ne 0 ]; then
    echo "crash harness failed; the end of the server log:"; tail -40 "$WORK/serve.log"
fi
exit $status
