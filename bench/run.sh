#!/usr/bin/env bash
# Side-by-side training benchmark: PyTorch (CPU) and SwiftMaaS on the same data and thread
# count, interleaved round by round (this machine's speed drifts), medians and ratios printed
# by bench/summarize.py. Usage: bench/run.sh [ROUNDS=3] [THREADS=2] [MODELS="cnn mlp lstm"]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
MODELS=${MODELS:-"cnn mlp lstm"}
DATA=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
python3 -c "import torch" 2>/dev/null || pip install -q torch==2.13.0
make -s build >/dev/null
MAAS=.build/release/maas
OUT=bench/out
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"

ours() { # model
  case "$1" in
    cnn|mlp) MAAS_THREADS=$THREADS "$MAAS" train --spec "examples/fashion_$1.json" --data "$DATA" --epochs 1 --json \
               --output "$OUT/model-$1" 2>/dev/null | grep '^{' | sed "s/^{/{\"peer\":\"swiftmaas\",\"model\":\"$1\",/" ;;
    lstm) MAAS_THREADS=$THREADS "$MAAS" bench lstm --epochs 1 ;;
  esac
}

for round in $(seq "$ROUNDS"); do
  for model in $MODELS; do
    echo "round $round: $model" >&2
    # Alternate who goes first so neither side always gets the cooler machine.
    if (( round % 2 )); then
      python3 bench/torch_models.py --model "$model" --epochs 1 --threads "$THREADS" >> "$RESULTS"
      ours "$model" >> "$RESULTS"
    else
      ours "$model" >> "$RESULTS"
      python3 bench/torch_models.py --model "$model" --epochs 1 --threads "$THREADS" >> "$RESULTS"
    fi
  done
done
MAAS_THREADS=$THREADS "$MAAS" bench gemm >> "$RESULTS"
python3 bench/summarize.py "$RESULTS"
