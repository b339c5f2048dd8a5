#!/usr/bin/env bash
# MiniLM sentence embeddings per second at batch 32, 2 threads: SwiftMaaS vs sentence-transformers
# (PyTorch CPU) vs ONNX Runtime, interleaved for ROUNDS rounds on the same 1,024 sentences.
#   bench/embeddings/run.sh [rounds=3]
# Needs scripts/fetch_models.sh, a release build, and from PyPI: torch==2.13.0,
# sentence-transformers, onnxruntime (and onnx for the export).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
OUT=bench/out/embeddings
mkdir -p "$OUT"
python3 - "$OUT/sentences.txt" <<'PY'
import random, sys
random.seed(7)
words = "the a model serves predictions over http quickly and every request carries a key while batches form in queues " \
        "of tokens that attention reads across layers so embeddings land near their meaning for search and ranking".split()
with open(sys.argv[1], "w") as f:
    for _ in range(1024):
        f.write(" ".join(random.choice(words) for _ in range(random.randint(6, 40))).capitalize() + ".\n")
PY
: > "$OUT/results.jsonl"
for round in $(seq "$ROUNDS"); do
  MAAS_THREADS=2 .build/release/maas bench embed --sentences "$OUT/sentences.txt" --batch 32 | tee -a "$OUT/results.jsonl"
  python3 bench/embeddings/peers.py --sentences "$OUT/sentences.txt" --batch 32 --threads 2 --peer torch 2>/dev/null | tee -a "$OUT/results.jsonl"
  python3 bench/embeddings/peers.py --sentences "$OUT/sentences.txt" --batch 32 --threads 2 --peer onnx 2>/dev/null | tee -a "$OUT/results.jsonl"
done
python3 - "$OUT/results.jsonl" <<'PY'
import json, statistics, sys
from collections import defaultdict
rows = defaultdict(list)
for line in open(sys.argv[1]):
    if line.startswith("{"):
        r = json.loads(line); rows[r["peer"]].append(r)
median = {p: statistics.median(r["embeddings_per_s"] for r in rs) for p, rs in rows.items()}
for peer, value in median.items():
    print(f"{peer:24} {value:8.0f} embeddings/s  peak RSS {statistics.median(r['peak_rss_mib'] for r in rows[peer]):.0f} MiB")
for peer in ("sentence-transformers", "onnxruntime"):
    if peer in median and "swiftmaas" in median:
        print(f"swiftmaas / {peer}: {median['swiftmaas'] / median[peer]:.2f}x")
PY
