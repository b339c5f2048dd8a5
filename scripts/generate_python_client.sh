#!/usr/bin/env bash
# Generates the typed Python client, clients/python, from Sources/HTTPAPI/openapi.json with
# openapi-python-client (pinned, from PyPI, in its own virtual environment), then adds the
# hand-written modules in clients/python-extras (live Server-Sent Events, which the generator
# reads as one body). Run it after changing the document and commit the result;
# tests/python_client.sh runs it into a temporary folder and fails if the two differ.
#   scripts/generate_python_client.sh [OUTPUT]   (default: clients/python)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTPUT=${1:-$ROOT/clients/python}
VENV=${PYTHON_CLIENT_VENV:-$ROOT/.build/python-client-venv}
GENERATOR_VERSION=0.29.1
if ! "$VENV/bin/openapi-python-client" --version 2>/dev/null | grep -q "$GENERATOR_VERSION"; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "openapi-python-client==$GENERATOR_VERSION"
fi
rm -rf "$OUTPUT"
# Warnings (an operation or schema the generator skipped) fail the generation: the client must
# cover the whole document.
log=$("$VENV/bin/openapi-python-client" generate --path "$ROOT/Sources/HTTPAPI/openapi.json" \
      --config "$ROOT/clients/python-generator.yaml" --output-path "$OUTPUT" 2>&1)
if grep -q -i "warning\|error" <<< "$log"; then echo "$log" >&2; exit 1; fi
cp "$ROOT"/clients/python-extras/*.py "$OUTPUT/swiftmaas_client/"
