#!/usr/bin/env bash
# The web console in a real browser (tests/console/e2e.py): Debian's chromium and
# chromium-driver (make deps installs them), Selenium (pinned, from PyPI, in its own virtual
# environment), headless, against a live `maas serve`. Screenshots of every view are written to
# .build/console-screenshots (not committed) for a person to look at.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MAAS=${MAAS:-$ROOT/.build/release/maas}
VENV=${CONSOLE_VENV:-$ROOT/.build/console-venv}
SHOTS=${CONSOLE_SCREENSHOTS:-$ROOT/.build/console-screenshots}
SELENIUM_VERSION=4.38.0
if ! "$VENV/bin/python" -c "import selenium, sys; sys.exit(selenium.__version__ != '$SELENIUM_VERSION')" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "selenium==$SELENIUM_VERSION"
fi
WORK=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$WORK"' EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ADMIN=console-admin-key-00000000000000000
MAAS_ADMIN_KEY=$ADMIN "$MAAS" serve --port "$port" --data-dir "$WORK/data" > "$WORK/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null && break; sleep 0.2; done
"$VENV/bin/python" "$ROOT/tests/console/e2e.py" "http://127.0.0.1:$port" "$ADMIN" "$ROOT/data/sklearn" \
    "$ROOT/models/smollm2-135m-instruct-q4_1.gguf" "$SHOTS" \
    || { echo "the server's log (errors):"; grep -v "status=[23]" "$WORK/serve.log" | tail -20; exit 1; }
