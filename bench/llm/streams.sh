#!/usr/bin/env bash
# Continuous batching: aggregate tokens/s of 8 concurrent greedy chats through the server's
# GenerationQueue against one, interleaved for ROUNDS rounds; prints medians and the ratio
# (issue 5's target: at least 3x).
#   bench/llm/streams.sh [rounds=5] [streams=8]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-5}
STREAMS=${2:-8}
OUT=bench/out/llm
mkdir -p "$OUT"
: > "$OUT/streams.jsonl"
for round in $(seq "$ROUNDS"); do
  for streams in 1 "$STREAMS"; do
    MAAS_THREADS=2 .build/release/maas bench generate --streams "$streams" | tee -a "$OUT/streams.jsonl"
  done
done
python3 - "$OUT/streams.jsonl" "$STREAMS" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
many = int(sys.argv[2])
one = [r["aggregate_tokens_per_s"] for r in rows if r["streams"] == 1]
several = [r["aggregate_tokens_per_s"] for r in rows if r["streams"] == many]
ratios = [b / a for a, b in zip(one, several)]
print(f"1 stream {statistics.median(one):.0f} tok/s, {many} streams {statistics.median(several):.0f} tok/s aggregate: "
      f"{statistics.median(several) / statistics.median(one):.2f}x (per round {', '.join(f'{r:.2f}' for r in ratios)})")
PY
