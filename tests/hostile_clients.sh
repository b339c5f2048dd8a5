#!/usr/bin/env bash
# Slow and hostile clients against a live `maas serve` (timeouts shortened through the
# environment so the suite is quick): a body trickled byte by byte, very large headers, a body
# larger than the cap, hundreds of idle connections. Each gets a timely 4xx or a closed
# connection, and a well-behaved client keeps being served meanwhile.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MAAS=${MAAS:-$ROOT/.build/release/maas}
WORK=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ADMIN=hostile-admin-key-000000000000
MAAS_IDLE_TIMEOUT_SECONDS=2 MAAS_BODY_TIMEOUT_SECONDS=2 MAAS_ADMIN_KEY=$ADMIN "$MAAS" serve --port "$port" --data-dir "$WORK/data" > "$WORK/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null && break; sleep 0.2; done
PORT=$port ADMIN=$ADMIN python3 - <<'PY'
import os, socket, threading, time
port, admin = int(os.environ["PORT"]), os.environ["ADMIN"]
failures = []
def check(name, ok, detail=""):
    print(("PASS " if ok else "FAIL ") + name + (f" ({detail})" if detail else ""))
    if not ok: failures.append(name)

def connect():
    s = socket.create_connection(("127.0.0.1", port)); s.settimeout(10); return s

def read_status(s):
    """The response's status code, or None when the server closed the connection without one."""
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk: break
            data += chunk
    except (socket.timeout, ConnectionResetError):
        return None
    return int(data.split(b" ")[1]) if data.startswith(b"HTTP/1.1 ") else None

def closed(s, within):
    s.settimeout(within)
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk: return True
    except socket.timeout: return False
    except ConnectionResetError: return True

# A well-behaved client, timed before and during the attacks.
stop = threading.Event(); latencies = []; errors = []
def good_client():
    while not stop.is_set():
        t = time.monotonic()
        try:
            s = connect(); s.sendall(b"GET /v2/health/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            status = read_status(s); s.close()
            if status != 200: errors.append(status)
        except OSError as e: errors.append(repr(e))
        latencies.append(time.monotonic() - t); time.sleep(0.02)
threading.Thread(target=good_client, daemon=True).start()

# Hundreds of idle connections: closed by the server after its idle timeout (2 s here).
idle = [connect() for _ in range(300)]
t = time.monotonic()
gone = sum(closed(s, 6) for s in idle)
check("300 idle connections are closed after the idle timeout", gone == 300, f"{gone} closed in {time.monotonic() - t:.1f} s")
for s in idle: s.close()

# A body trickled one byte every 0.5 s: the connection ends soon after the 2 s body timeout.
s = connect(); t = time.monotonic()
s.sendall(f"POST /v1/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {admin}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n".encode())
def trickle(sock):
    try:
        for _ in range(40): sock.sendall(b" "); time.sleep(0.5)
    except OSError: pass
threading.Thread(target=trickle, args=(s,), daemon=True).start()
status = read_status(s); took = time.monotonic() - t
check("a trickled body is cut off (408 or a closed connection) at the body timeout", status in (408, None) and took < 6, f"status {status} after {took:.1f} s")
s.close()

# An upload that stalls after its first bytes: the connection ends at the body timeout, and
# no dataset appears.
s = connect(); t = time.monotonic()
s.sendall(f"POST /v1/datasets/stalled?format=csv HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {admin}\r\nContent-Length: 100000\r\n\r\na,b\n1,2\n".encode())
gone = closed(s, 8); took = time.monotonic() - t
check("a stalled upload is cut off at the body timeout", gone and took < 6, f"closed after {took:.1f} s"); s.close()
s = connect(); s.sendall(f"GET /v1/datasets/stalled HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {admin}\r\nConnection: close\r\n\r\n".encode())
check("... and leaves no dataset behind", read_status(s) == 404); s.close()

# Very large headers: refused at once.
for name, head in [("one 200 KB header", b"X-Big: " + b"a" * 200_000 + b"\r\n"),
                   ("5,000 headers", b"".join(b"X-%d: a\r\n" % i for i in range(5000)))]:
    s = connect(); t = time.monotonic()
    s.sendall(b"GET /v2/health/ready HTTP/1.1\r\nHost: x\r\n" + head + b"\r\n")
    status = read_status(s); took = time.monotonic() - t
    check(f"{name}: 4xx at once", (status is None or 400 <= status < 500) and took < 2, f"status {status} after {took:.2f} s"); s.close()

# A body larger than the cap: 413 before it is sent, and the connection closes.
s = connect(); t = time.monotonic()
s.sendall(f"POST /v1/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {admin}\r\nContent-Type: application/json\r\nContent-Length: {100 << 20}\r\n\r\n".encode() + b"{" * 1000)
status = read_status(s); took = time.monotonic() - t
check("a declared body over the 64 MiB cap gets 413 at once", status == 413 and took < 2, f"status {status} after {took:.2f} s")
check("... and the connection is closed", closed(s, 3)); s.close()

stop.set(); time.sleep(0.1)
latencies.sort()
worst = latencies[-1] if latencies else float("inf")
check("the well-behaved client was served throughout", not errors and len(latencies) > 20 and worst < 1.0,
      f"{len(latencies)} requests, {len(errors)} errors, slowest {worst * 1000:.0f} ms")
print(f"{len(failures)} failed")
raise SystemExit(1 if failures else 0)
PY
