#!/usr/bin/env bash
# The generated Python client (clients/python): regenerating it from Sources/HTTPAPI/openapi.json
# must give the committed files exactly (the document and the client cannot drift); it installs
# with `pip install ./clients/python`; and tests/python_client/workflow.py drives one whole
# workflow with it against a live `maas serve` (dataset, training with live events, registry,
# deployment, both inference protocols, artifact download, usage, typed errors).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MAAS=${MAAS:-$ROOT/.build/release/maas}
VENV=${PYTHON_CLIENT_VENV:-$ROOT/.build/python-client-venv}
WORK=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$WORK"' EXIT

PYTHON_CLIENT_VENV=$VENV "$ROOT/scripts/generate_python_client.sh" "$WORK/regenerated"
if ! diff -r "$ROOT/clients/python" "$WORK/regenerated" > "$WORK/drift"; then
    echo "✘ clients/python differs from what the OpenAPI document generates; run scripts/generate_python_client.sh"
    head -40 "$WORK/drift"; exit 1
fi
echo "✔ clients/python is what the OpenAPI document generates"
"$VENV/bin/pip" install -q --force-reinstall --no-deps "$ROOT/clients/python"
"$VENV/bin/pip" install -q "$ROOT/clients/python"   # its dependencies (httpx, attrs), once

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ADMIN=python-client-admin-key-0000000000
MAAS_ADMIN_KEY=$ADMIN "$MAAS" serve --port "$port" --data-dir "$WORK/data" > "$WORK/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null && break; sleep 0.2; done
# Run from the work folder so the installed package, not the source tree, is imported.
(cd "$WORK" && "$VENV/bin/python" "$ROOT/tests/python_client/workflow.py" "http://127.0.0.1:$port" "$ADMIN" "$ROOT/data/sklearn/iris.csv") \
    || { echo "the server's log:"; tail -20 "$WORK/serve.log"; exit 1; }
