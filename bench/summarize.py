#!/usr/bin/env python3
"""Prints medians and ratios from bench/run.sh's JSON lines (SwiftMaaS time / PyTorch time):
training rows use each run's last epoch (bench/run.sh takes 2, so the steady-state one),
inference rows the seconds per batch. The header names the CPU and SwiftMaaS's kernel path."""
import json, statistics, sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
runs = []  # (model, peer, epoch, seconds, rss) of each run's last epoch
for r in rows:
    if "peer" not in r:
        continue
    if "epoch" in r:
        runs.append((r["model"], r["peer"], r["epoch"], r["seconds"], r.get("peak_rss_mib", float("nan"))))
    else:
        runs.append((r["model"], r["peer"], 0, r["seconds"], r.get("peak_rss_mib", float("nan"))))
# Keep, per run, only its last epoch: an epoch-1 row followed by the same run's epoch-2 row is dropped.
kept = [run for i, run in enumerate(runs)
        if not (run[2] >= 1 and i + 1 < len(runs) and runs[i + 1][:2] == run[:2] and runs[i + 1][2] == run[2] + 1)]
seconds, memory = defaultdict(list), defaultdict(list)
for model, peer, _, s, rss in kept:
    seconds[(model, peer)].append(s)
    memory[(model, peer)].append(rss)

cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "unknown CPU")
flags = next((line.split(":", 1)[1].split() for line in open("/proc/cpuinfo") if line.startswith("flags")), [])
kernels = next((r["kernels"] for r in rows if "kernels" in r), "unknown")
print(f"CPU: {cpu} ({'AVX-512' if 'avx512f' in flags else 'no AVX-512'}{', VNNI' if 'avx512_vnni' in flags else ''}); "
      f"SwiftMaaS kernels: {kernels}")
print(f"{'model':18} {'pytorch s':>10} {'swiftmaas s':>12} {'ratio':>7}   {'pytorch MiB':>11} {'swiftmaas MiB':>13}   runs")
for model in sorted({m for m, _ in seconds}):
    p, s = seconds[(model, "pytorch")], seconds[(model, "swiftmaas")]
    if not p or not s:
        continue
    mp, ms = statistics.median(p), statistics.median(s)
    unit = "s/batch" if "infer" in model else "s/epoch"
    print(f"{model + ' (' + unit + ')':18} {mp:10.4g} {ms:12.4g} {ms / mp:7.2f}   {max(memory[(model, 'pytorch')]):11.0f} "
          f"{max(memory[(model, 'swiftmaas')]):13.0f}   {len(p)}+{len(s)}")
for r in rows:
    if "gemm" in r:
        print(f"gemm {r['gemm']:8} forward {r['swiftmaas_gflops']:6.1f} vs OpenBLAS {r['openblas_gflops']:6.1f} GFLOP/s "
              f"({100 * r['forward_efficiency']:.0f}%), backward {r['swiftmaas_backward_gflops']:6.1f} vs "
              f"{r['openblas_backward_gflops']:6.1f} ({100 * r['backward_efficiency']:.0f}%)")
