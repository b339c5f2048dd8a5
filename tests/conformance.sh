#!/usr/bin/env bash
# API conformance: schemathesis (pinned, from PyPI) against a live `maas serve` whose project
# holds a dataset, a trained model with an alias, a deployment and keys of each role (admin, developer, viewer, inference), so
# operations reach more than 404. Every check runs (tests/conformance/schemathesis.toml lists
# the few operations where a 400 is the documented answer to a schema-valid request); any
# failure fails the suite. Bounded by CONFORMANCE_EXAMPLES (default 25 per operation).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MAAS=${MAAS:-$ROOT/.build/release/maas}
VENV=${CONFORMANCE_VENV:-$ROOT/.build/conformance-venv}
EXAMPLES=${CONFORMANCE_EXAMPLES:-25}
SCHEMATHESIS_VERSION=4.32.5
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi
WORK=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ADMIN=conformance-admin-key-00000000000
URL="http://127.0.0.1:$port"
MAAS_ADMIN_KEY=$ADMIN "$MAAS" serve --port "$port" --data-dir "$WORK/data" > "$WORK/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -sf "$URL/v2/health/ready" > /dev/null && break; sleep 0.2; done

api() { curl -sf -H "Authorization: Bearer $ADMIN" "$@"; }
# The seeded project: a dataset, a model version with an alias, an endpoint.
python3 - > "$WORK/loans.csv" <<'PY'
print("score,group,region,approved")
for i in range(300):
    score, g = (i * 37) % 100 / 10, "b" if i % 3 == 0 else "a"
    print(f"{score},{g},{'north' if i % 2 else 'south'},{'yes' if score + (1.5 if g == 'a' else -1.5) + (i * 13) % 7 / 3 - 1 > 5 else 'no'}")
PY
api -X POST --data-binary @"$WORK/loans.csv" "$URL/v1/datasets/loans?format=csv" > /dev/null
job=$(api -X POST -d '{"name": "loans", "dataset": "loans", "target": "approved", "spec": {"algorithm": "logistic_regression"}}' \
      "$URL/v1/training-jobs" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
api "$URL/v1/training-jobs/$job/events" > /dev/null
api -X PUT -d '{"version": 1}' "$URL/v1/models/loans/aliases/production" > /dev/null
api -X POST -d '{"name": "loans", "model": "loans@production"}' "$URL/v1/deployments" > /dev/null
new_key() { api -X POST -d "{\"name\": \"conformance $1\", \"role\": \"$1\"}" "$URL/v1/keys" \
            | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])'; }

run() {
    "$VENV/bin/schemathesis" --config-file "$ROOT/tests/conformance/schemathesis.toml" run "$ROOT/Sources/HTTPAPI/openapi.json" \
        --url "$URL" --checks all --seed 1 --generation-deterministic --max-examples "$EXAMPLES" --request-timeout 30 "$@"
}
status=0
# Revoking and rotating keys come last: they would revoke or replace the run's own key.
own_key='^(DELETE /v1/keys/\{id\}|POST /v1/keys/\{id\}/rotate)$'
echo "== every operation, admin key"
run -H "Authorization: Bearer $ADMIN" --exclude-name-regex "$own_key" || status=1
# The other roles' keys are made after the admin run, which would otherwise find them (GET
# /v1/keys) and set limits on them that turn their run into 429s.
VIEWER=$(new_key viewer)
DEVELOPER=$(new_key developer)
INFERENCE=$(new_key inference)
echo "== every operation, viewer key"
run -H "Authorization: Bearer $VIEWER" --exclude-name-regex "$own_key" --max-examples 5 || status=1
# The other roles: every answer they get (mostly 403s where they lack the right) must still
# conform; fewer examples, since the handlers behind the 403s were exercised above.
echo "== every operation, developer key"
run -H "Authorization: Bearer $DEVELOPER" --exclude-name-regex "$own_key" --max-examples 5 || status=1
echo "== every operation, inference key"
run -H "Authorization: Bearer $INFERENCE" --exclude-name-regex "$own_key" --max-examples 5 || status=1
echo "== revoking and rotating keys, admin key"
run -H "Authorization: Bearer $ADMIN" --include-name-regex "$own_key" || status=1
if grep -q "status=5" "$WORK/serve.log"; then
    echo "server errors in the log:"; grep "status=5" "$WORK/serve.log" | head -20; status=1
fi
if ! kill -0 $server 2>/dev/null; then
    echo "the server died; the end of its log:"; grep -v "status=[1-4]" "$WORK/serve.log" | tail -30; status=1
fi
exit $status
