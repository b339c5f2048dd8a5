#!/usr/bin/env bash
# SmolLM2-135M Q4_1: prompt processing and greedy decode tokens/s, SwiftMaaS vs llama.cpp
# (llama-cpp-python built from source), 2 threads, interleaved for ROUNDS rounds.
#   bench/llm/run.sh [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
OUT=bench/out/llm
mkdir -p "$OUT"
: > "$OUT/results.jsonl"
for round in $(seq "$ROUNDS"); do
  MAAS_THREADS=2 .build/release/maas bench generate | tee -a "$OUT/results.jsonl"
  python3 bench/llm/llama_cpp_peer.py --threads 2 | tee -a "$OUT/results.jsonl"
done
python3 - "$OUT/results.jsonl" <<'PY'
import json, statistics, sys
from collections import defaultdict
rows = defaultdict(list)
for line in open(sys.argv[1]):
    if line.startswith("{"):
        r = json.loads(line); rows[r["peer"]].append(r)
m = {p: {k: statistics.median(r[k] for r in rs) for k in ("prompt_tokens_per_s", "decode_tokens_per_s", "peak_rss_mib")} for p, rs in rows.items()}
for p, v in m.items():
    print(f"{p:10} prompt {v['prompt_tokens_per_s']:8.1f} tok/s  decode {v['decode_tokens_per_s']:7.1f} tok/s  peak RSS {v['peak_rss_mib']:.0f} MiB")
if len(m) == 2:
    print(f"swiftmaas / llama.cpp: prompt {m['swiftmaas']['prompt_tokens_per_s'] / m['llama.cpp']['prompt_tokens_per_s']:.2f}x, "
          f"decode {m['swiftmaas']['decode_tokens_per_s'] / m['llama.cpp']['decode_tokens_per_s']:.2f}x")
PY
