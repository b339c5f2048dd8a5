"""Turns wrk --latency output (stdin) into one JSON line: label, requests/s, p50/p90/p99 in ms, errors."""
import json, re, sys

text = sys.stdin.read()
def ms(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
row = {"label": sys.argv[1], "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}
for p in ("50", "90", "99"):
    m = re.search(rf"^\s+{p}%\s+(\S+)", text, re.M)
    row[f"p{p}_ms"] = ms(m.group(1)) if m else None
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
row["non_2xx"] = int(errors.group(1)) if errors else 0
sockets = re.search(r"Socket errors: (.*)", text)
row["socket_errors"] = sockets.group(1) if sockets else ""
print(json.dumps(row))
