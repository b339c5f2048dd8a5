#!/usr/bin/env bash
# gRPC inference (maas serve --grpc-port) checked with the real tritonclient[grpc] (pinned, from
# PyPI, in its own virtual environment): tests/grpc/triton.py.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MAAS=${MAAS:-$ROOT/.build/release/maas}
VENV=${GRPC_VENV:-$ROOT/.build/grpc-venv}
TRITONCLIENT_VERSION=2.73.0
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('tritonclient') != '$TRITONCLIENT_VERSION')" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "tritonclient[grpc]==$TRITONCLIENT_VERSION"
fi
[ "${1:-}" = --venv-only ] && exit 0   # tests/tracing.sh shares the environment
WORK=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$WORK"' EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port) grpc_port=$(free_port)
ADMIN=grpc-admin-key-0000000000000000000
MAAS_ADMIN_KEY=$ADMIN "$MAAS" serve --port "$port" --grpc-port "$grpc_port" --data-dir "$WORK/data" > "$WORK/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do grep -q "serving gRPC" "$WORK/serve.log" && curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null && break; sleep 0.2; done
"$VENV/bin/python" "$ROOT/tests/grpc/triton.py" "http://127.0.0.1:$port" "127.0.0.1:$grpc_port" "$ADMIN" "$ROOT/models/all-minilm-l6-v2" \
    "$ROOT/data/sklearn/iris.csv" || { echo "the server's log (errors):"; grep -v "status=[23]" "$WORK/serve.log" | tail -20; exit 1; }
kill -0 $server || { echo "the server died"; tail -30 "$WORK/serve.log"; exit 1; }
