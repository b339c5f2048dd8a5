#!/usr/bin/env bash
# OpenTelemetry traces from `maas serve --otlp-endpoint`, checked by a real OTLP/HTTP receiver
# (tests/tracing/otlp.py; opentelemetry-proto decodes the exports, tritonclient makes a gRPC call).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MAAS=${MAAS:-$ROOT/.build/release/maas}
VENV=${GRPC_VENV:-$ROOT/.build/grpc-venv}
"$ROOT/tests/grpc.sh" --venv-only
"$VENV/bin/python" -c "import opentelemetry.proto" 2>/dev/null || "$VENV/bin/pip" install -q "opentelemetry-proto==1.39.1"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$VENV/bin/python" "$ROOT/tests/tracing/otlp.py" "$MAAS" "$ROOT/data/sklearn/iris.csv" "$WORK" \
    || { echo "the server's log:"; tail -20 "$WORK/serve.log"; exit 1; }
