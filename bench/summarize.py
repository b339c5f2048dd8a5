#!/usr/bin/env python3
"""Prints medians and ratios from bench/run.sh's JSON lines (SwiftMaaS time / PyTorch time),
one block per kernel path (avx512, avx2): training rows use each run's last epoch
(bench/run.sh takes 2, so the steady-state one), inference rows the seconds per batch. The
header names the CPU; each block names SwiftMaaS's kernels on that path."""
import json, statistics, sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
runs = []  # (path, model, peer, epoch, seconds, rss)
for r in rows:
    if "peer" not in r:
        continue
    runs.append((r.get("path", "default"), r["model"], r["peer"], r.get("epoch", 0), r["seconds"], r.get("peak_rss_mib", float("nan"))))
# Keep, per run, only its last epoch: an epoch row followed by the same run's next epoch is dropped.
kept = [run for i, run in enumerate(runs)
        if not (run[3] >= 1 and i + 1 < len(runs) and runs[i + 1][:3] == run[:3] and runs[i + 1][3] == run[3] + 1)]
seconds, memory = defaultdict(list), defaultdict(list)
for path, model, peer, _, s, rss in kept:
    seconds[(path, model, peer)].append(s)
    memory[(path, model, peer)].append(rss)

cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "unknown CPU")
flags = next((line.split(":", 1)[1].split() for line in open("/proc/cpuinfo") if line.startswith("flags")), [])
print(f"CPU: {cpu} ({'AVX-512' if 'avx512f' in flags else 'no AVX-512'}{', VNNI' if 'avx512_vnni' in flags else ''})")
for path in sorted({p for p, _, _ in seconds}, reverse=True):
    kernels = next((r["kernels"] for r in rows if "kernels" in r and r.get("path", "default") == path), "unknown")
    print(f"\n{path}: SwiftMaaS kernels {kernels}")
    print(f"{'model':24} {'pytorch':>10} {'swiftmaas':>10} {'ratio':>7}   {'pytorch MiB':>11} {'swiftmaas MiB':>13}   runs")
    for model in sorted({m for p, m, _ in seconds if p == path}):
        p, s = seconds[(path, model, "pytorch")], seconds[(path, model, "swiftmaas")]
        if not p or not s:
            continue
        mp, ms = statistics.median(p), statistics.median(s)
        unit = "s/batch" if "infer" in model else "s/epoch"
        print(f"{model + ' (' + unit + ')':24} {mp:10.4g} {ms:10.4g} {ms / mp:7.2f}   {max(memory[(path, model, 'pytorch')]):11.0f} "
              f"{max(memory[(path, model, 'swiftmaas')]):13.0f}   {len(p)}+{len(s)}")
for r in rows:
    if "gemm" in r:
        print(f"gemm {r['gemm']:8} forward {r['swiftmaas_gflops']:6.1f} vs OpenBLAS {r['openblas_gflops']:6.1f} GFLOP/s "
              f"({100 * r['forward_efficiency']:.0f}%), backward {r['swiftmaas_backward_gflops']:6.1f} vs "
              f"{r['openblas_backward_gflops']:6.1f} ({100 * r['backward_efficiency']:.0f}%)")
