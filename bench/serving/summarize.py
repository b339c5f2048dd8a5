"""Medians per server over the interleaved rounds, ratios against MLServer, and the tabular
server overhead (p50 end-to-end minus mean model compute from /metrics)."""
import json, re, statistics, sys
from collections import defaultdict

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = defaultdict(list)
for r in rows:
    by[r["label"]].append(r)
def median(label, key):
    return statistics.median(r[key] for r in by[label])
print(f"{'server':24} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}  rounds")
for label in by:
    print(f"{label:24} {median(label, 'rps'):9.0f} {median(label, 'p50_ms'):8.2f} {median(label, 'p99_ms'):8.2f} "
          f"{sum(r['non_2xx'] for r in by[label]):8d}  {len(by[label])}")
for peer in ("mlserver-json", "mlserver-json-batched"):
    if peer not in by:
        continue
    base = median(peer, "rps")
    for label in ("swiftmaas-json", "swiftmaas-binary"):
        if label in by:
            print(f"{label} / {peer} throughput: {median(label, 'rps') / base:.1f}x, "
                  f"p99 {median(label, 'p99_ms'):.2f} vs {median(peer, 'p99_ms'):.2f} ms")
metrics = open(sys.argv[2]).read()
def total(name, selector):
    return sum(float(m.group(1)) for m in re.finditer(rf'^{name}{{[^}}]*{selector}[^}}]*}} (\S+)', metrics, re.M))
count, seconds = total("maas_inference_compute_seconds_count", 'endpoint="iris"'), total("maas_inference_compute_seconds_sum", 'endpoint="iris"')
route = 'route="/v2/models/{name}/infer"'
handled = total("maas_http_request_duration_seconds_sum", route) / max(total("maas_http_request_duration_seconds_count", route), 1)
if count and "swiftmaas-iris-1conn" in by:
    compute_us = seconds / count * 1e6
    p50_us = median("swiftmaas-iris-1conn", "p50_ms") * 1000
    floor_us = median("health-1conn", "p50_ms") * 1000 if "health-1conn" in by else float("nan")
    print(f"tabular (iris, 1 connection): p50 end-to-end {p50_us:.0f} us, mean model compute {compute_us:.1f} us")
    print(f"  end-to-end minus compute: {p50_us - compute_us:.0f} us (the no-op health route's p50 on the same client: {floor_us:.0f} us)")
    print(f"  above the health route: {p50_us - floor_us - compute_us:.0f} us; in the server's handler chain minus compute: {handled * 1e6 - compute_us:.0f} us")
