"""One timed run of h2load (nghttp2's compiled HTTP/2 and HTTP/1.1 load generator, Debian
package nghttp2-client) against one target, for bench/serving/grpc.sh. The same C client loads
every target, gRPC or HTTP, so the figures compare servers rather than client libraries; a gRPC
unary call is an HTTP/2 POST of a length-prefixed protobuf with `te: trailers`, which is what
h2load sends here. Prints one JSON line: requests per second, p50/p99 latency (from h2load's
per-request log) and the server process's CPU time per request (from /proc).

    python3 h2load_run.py LABEL KIND URL KEY SERVER_PID SECONDS CONNECTIONS STREAMS BODY [HEADER_LENGTH]
KIND: grpc (CONNECTIONS x STREAMS calls in flight on HTTP/2) or http (CONNECTIONS x STREAMS
HTTP/1.1 keep-alive connections, binary tensor extension with HEADER_LENGTH)."""

import json
import os
import subprocess
import sys
import tempfile
import time

label, kind, url, key, server_pid, seconds, connections, streams, body = sys.argv[1:10]
connections, streams = int(connections), int(streams)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


headers = [f"authorization: Bearer {key}"] if key else []
if kind == "grpc":
    headers += ["content-type: application/grpc", "te: trailers"]
    shape = ["-c", str(connections), "-m", str(streams)]
else:
    headers += ["content-type: application/octet-stream", f"inference-header-content-length: {sys.argv[10]}"]
    shape = ["--h1", "-c", str(connections * streams)]
def h2load(duration, log):
    command = ["h2load", "-t", "1", *shape, "-D", duration, "-d", body, "--log-file", log,
               *[arg for h in headers for arg in ("-H", h)], url]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


with tempfile.NamedTemporaryFile(suffix=".log") as log:
    h2load("1", log.name)  # warm-up: connections, the model and the batching queue
    log.truncate(0)
    cpu_before = cpu_seconds(server_pid)
    started = time.perf_counter()
    output = h2load(seconds, log.name)
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds(server_pid) - cpu_before
    rows = [line.split("\t") for line in open(log.name) if line.strip()]
failed = sum(1 for r in rows if r[1] != "200")
if failed or not rows:
    sys.exit(f"{label}: {failed} of {len(rows)} requests did not answer 200\n{output}")
latencies = sorted(int(r[2]) for r in rows)
n = len(latencies)
print(json.dumps({"label": label, "requests": n, "rps": n / float(seconds),
                  "p50_ms": latencies[n // 2] / 1e3, "p99_ms": latencies[int(n * 0.99)] / 1e3,
                  "server_cpu_us_per_request": cpu / n * 1e6, "wall_s": round(elapsed, 2)}))
