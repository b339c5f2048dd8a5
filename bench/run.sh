#!/usr/bin/env bash
# Side-by-side training and inference benchmark: PyTorch (CPU) and SwiftMaaS on the same data,
# specs and thread count, interleaved round by round (this machine's speed drifts), medians and
# ratios printed by bench/summarize.py with the CPU model and the kernel path.
#
# Each training run takes 2 epochs and the second epoch's time counts (steady state: neither
# side's first-epoch set-up, page faults and allocator growth), for both peers alike.
# Usage: bench/run.sh [ROUNDS=3] [THREADS=2] [MODELS="cnn cnn-b32 mlp lstm gru transformer"]
#        [INFER="1 32"] [MAAS_KERNELS=avx2 to hold SwiftMaaS and its OpenBLAS to AVX2]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
MODELS=${MODELS:-"cnn cnn-b32 mlp lstm gru transformer"}
INFER=${INFER:-"1 32"}
PYTHON=${PYTHON:-python3}
DATA=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
"$PYTHON" -c "import torch" 2>/dev/null || "$PYTHON" -m pip install -q torch==2.13.0
[ -x .build/release/maas ] || make -s build >/dev/null
MAAS=.build/release/maas
OUT=bench/out
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"

split() { # cnn-b32 -> "cnn 32"; cnn -> "cnn"
  local model=${1%-b*} batch=
  [[ $1 == *-b* ]] && batch=${1##*-b}
  echo "$model" "$batch"
}
ours() { # model
  local model batch
  read -r model batch <<< "$(split "$1")"
  MAAS_THREADS=$THREADS "$MAAS" bench train --model "$model" ${batch:+--batch $batch} --epochs 2 --data "$DATA"
}
theirs() {
  local model batch
  read -r model batch <<< "$(split "$1")"
  FASHION_MNIST_DIR=$DATA "$PYTHON" bench/torch_models.py --model "$model" ${batch:+--batch $batch} --epochs 2 --threads "$THREADS"
}

for round in $(seq "$ROUNDS"); do
  for model in $MODELS; do
    echo "round $round: $model" >&2
    # Alternate who goes first so neither side always gets the cooler machine.
    if (( round % 2 )); then theirs "$model" >> "$RESULTS"; ours "$model" >> "$RESULTS"
    else ours "$model" >> "$RESULTS"; theirs "$model" >> "$RESULTS"; fi
  done
  for batch in $INFER; do
    echo "round $round: cnn inference, batch $batch" >&2
    if (( round % 2 )); then
      FASHION_MNIST_DIR=$DATA "$PYTHON" bench/torch_models.py --infer "$batch" --threads "$THREADS" >> "$RESULTS"
      MAAS_THREADS=$THREADS "$MAAS" bench infer --batch "$batch" --data "$DATA" >> "$RESULTS"
    else
      MAAS_THREADS=$THREADS "$MAAS" bench infer --batch "$batch" --data "$DATA" >> "$RESULTS"
      FASHION_MNIST_DIR=$DATA "$PYTHON" bench/torch_models.py --infer "$batch" --threads "$THREADS" >> "$RESULTS"
    fi
  done
done
MAAS_THREADS=$THREADS "$MAAS" bench gemm >> "$RESULTS"
"$PYTHON" bench/summarize.py "$RESULTS"
