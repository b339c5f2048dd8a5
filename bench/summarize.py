#!/usr/bin/env python3
"""Prints medians and ratios from bench/run.sh's JSON lines (SwiftMaaS time / PyTorch time)."""
import json, statistics, sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
seconds, memory = defaultdict(list), defaultdict(list)
for r in rows:
    if "peer" in r:
        seconds[(r["model"], r["peer"])].append(r["seconds"])
        memory[(r["model"], r["peer"])].append(r.get("peak_rss_mib", float("nan")))

print(f"{'model':6} {'pytorch s/epoch':>16} {'swiftmaas s/epoch':>18} {'ratio':>7}   {'pytorch MiB':>11} {'swiftmaas MiB':>13}   runs")
for model in sorted({m for m, _ in seconds}):
    p, s = seconds[(model, "pytorch")], seconds[(model, "swiftmaas")]
    if not p or not s:
        continue
    mp, ms = statistics.median(p), statistics.median(s)
    print(f"{model:6} {mp:16.2f} {ms:18.2f} {ms / mp:7.2f}   {max(memory[(model, 'pytorch')]):11.0f} "
          f"{max(memory[(model, 'swiftmaas')]):13.0f}   {len(p)}+{len(s)}")
for r in rows:
    if "gemm" in r:
        print(f"gemm {r['gemm']:8} forward {r['swiftmaas_gflops']:6.1f} vs OpenBLAS {r['openblas_gflops']:6.1f} GFLOP/s "
              f"({100 * r['forward_efficiency']:.0f}%), backward {r['swiftmaas_backward_gflops']:6.1f} vs "
              f"{r['openblas_backward_gflops']:6.1f} ({100 * r['backward_efficiency']:.0f}%)")
