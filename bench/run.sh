#!/usr/bin/env bash
# Side-by-side training and inference benchmark: PyTorch (CPU) and SwiftMaaS on the same data,
# specs and thread count, interleaved round by round (this machine's speed drifts), medians and
# ratios printed by bench/summarize.py with the CPU model and each kernel path.
#
# Each training run takes 2 epochs and the second epoch's time counts (steady state: neither
# side's first-epoch set-up, page faults and allocator growth), for both peers alike.
# PATHS="avx512 avx2" measures both kernel paths in every round: avx2 holds SwiftMaaS to AVX2
# (MAAS_KERNELS=avx2: OpenBLAS Haswell kernels, oneDNN capped at AVX2) and PyTorch likewise
# (ATEN_CPU_CAPABILITY, ONEDNN_MAX_CPU_ISA, MKL_ENABLE_INSTRUCTIONS), as on a machine without
# AVX-512.
# Usage: bench/run.sh [ROUNDS=3] [THREADS=2] [MODELS="cnn cnn-b32 mlp lstm gru transformer"]
#        [INFER="1 32"] [PATHS="avx512 avx2"] [PYTHON=python3]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
MODELS=${MODELS:-"cnn cnn-b32 mlp lstm gru transformer"}
INFER=${INFER:-"1 32"}
PATHS=${PATHS:-"avx512 avx2"}
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

# Adds the kernel path to each JSON line.
tag() { "$PYTHON" -c 'import json, sys
for line in sys.stdin:
    if line.startswith("{"): print(json.dumps({**json.loads(line), "path": sys.argv[1]}), flush=True)' "$1"; }
on_path() { # path command...
  local path=$1; shift
  if [ "$path" = avx2 ]; then
    MAAS_KERNELS=avx2 ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 DNNL_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2 "$@" | tag "$path"
  else
    "$@" | tag "$path"
  fi
}
infer_ours() { MAAS_THREADS=$THREADS "$MAAS" bench infer --batch "$1" --data "$DATA"; }
infer_theirs() { FASHION_MNIST_DIR=$DATA "$PYTHON" bench/torch_models.py --infer "$1" --threads "$THREADS"; }

for round in $(seq "$ROUNDS"); do
  for path in $PATHS; do
    for model in $MODELS; do
      echo "round $round, $path: $model" >&2
      # Alternate who goes first so neither side always gets the cooler machine.
      if (( round % 2 )); then on_path "$path" theirs "$model" >> "$RESULTS"; on_path "$path" ours "$model" >> "$RESULTS"
      else on_path "$path" ours "$model" >> "$RESULTS"; on_path "$path" theirs "$model" >> "$RESULTS"; fi
    done
    for batch in $INFER; do
      echo "round $round, $path: cnn inference, batch $batch" >&2
      if (( round % 2 )); then on_path "$path" infer_theirs "$batch" >> "$RESULTS"; on_path "$path" infer_ours "$batch" >> "$RESULTS"
      else on_path "$path" infer_ours "$batch" >> "$RESULTS"; on_path "$path" infer_theirs "$batch" >> "$RESULTS"; fi
    done
  done
done
MAAS_THREADS=$THREADS "$MAAS" bench gemm >> "$RESULTS"
"$PYTHON" bench/summarize.py "$RESULTS"
