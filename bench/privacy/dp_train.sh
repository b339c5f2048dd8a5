#!/usr/bin/env bash
# Differentially private training, same run: SwiftMaaS DP-SGD against Opacus with the same recipe
# (bench/privacy/opacus_models.py), and against SwiftMaaS without privacy, on Fashion-MNIST.
# Prints each run's JSON lines, then per model: final test accuracy of both at the target epsilon,
# median seconds per epoch, and our private epoch over our non-private one.
# Usage: bench/privacy/dp_train.sh [ROUNDS=1] [EPOCHS=5] [EPSILON=3] [THREADS=2] [MODELS="mlp cnn"]
# OPACUS_RESULTS=FILE takes Opacus' lines from FILE (opacus_models.py output, run beforehand, e.g.
# one process per model on one thread each) instead of running it here: its accuracy is the
# comparison, and the timing target is ours private against ours not.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-1}
EPOCHS=${EPOCHS:-5}
EPSILON=${EPSILON:-3}
THREADS=${THREADS:-2}
MODELS=${MODELS:-"mlp cnn"}
DATA=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
python3 -c "import opacus" 2>/dev/null || pip install -q torch==2.13.0 opacus==1.6.0
MAAS=.build/release/maas
OUT=bench/out/privacy
mkdir -p "$OUT"
RESULTS=$OUT/results.jsonl
: > "$RESULTS"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p')"

ours() { # model, private (1/0), epochs
  local spec=$OUT/$1-$2.json
  python3 - "examples/fashion_$1.json" "$2" "$EPSILON" > "$spec" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
if sys.argv[2] == "1":
    spec["privacy"] = {"epsilon": float(sys.argv[3]), "delta": 1e-5, "max_grad_norm": 1.0}
print(json.dumps(spec))
PY
  local variant=$([ "$2" = 1 ] && echo swiftmaas-dp || echo swiftmaas)
  MAAS_THREADS=$THREADS $MAAS train --spec "$spec" --data "$DATA" --epochs "$3" --json --output "$OUT/model-$1-$2" 2>/dev/null \
    | tee "$OUT/last.txt" | grep '^{' | sed "s/^{/{\"peer\":\"$variant\",\"model\":\"$1\",/"
  # Test accuracy and the spent epsilon, from the held-out metrics the run prints last.
  local accuracy=$(sed -n 's/^ *test_accuracy: //p' "$OUT/last.txt") spent=$(sed -n 's/^ *privacy_epsilon: //p' "$OUT/last.txt")
  echo "{\"peer\":\"$variant\",\"model\":\"$1\",\"epochs\":$3,\"test_accuracy\":$accuracy${spent:+,\"spent_epsilon\":$spent}}"
}

opacus() { # model
  if [ -n "${OPACUS_RESULTS:-}" ]; then grep "\"model\": \"$1\"" "$OPACUS_RESULTS" || true
  else python3 bench/privacy/opacus_models.py --model "$1" --epochs "$EPOCHS" --epsilon "$EPSILON" --threads "$THREADS"; fi
}
[ -n "${OPACUS_RESULTS:-}" ] && [ "$ROUNDS" -gt 1 ] && { echo "OPACUS_RESULTS holds one run: use ROUNDS=1"; exit 1; }

for round in $(seq "$ROUNDS"); do
  for model in $MODELS; do
    echo "round $round: $model" >&2
    if (( round % 2 )); then
      opacus "$model" >> "$RESULTS"
      ours "$model" 1 "$EPOCHS" >> "$RESULTS"
      ours "$model" 0 2 >> "$RESULTS"
    else
      ours "$model" 0 2 >> "$RESULTS"
      ours "$model" 1 "$EPOCHS" >> "$RESULTS"
      opacus "$model" >> "$RESULTS"
    fi
  done
done
python3 - "$RESULTS" "$EPOCHS" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
epochs = int(sys.argv[2])
for model in sorted({r["model"] for r in rows}):
    def pick(peer, key):
        return [r[key] for r in rows if r["model"] == model and r["peer"] == peer and key in r]
    opacus_acc = [r["test_accuracy"] for r in rows if r["model"] == model and r["peer"] == "opacus" and r.get("epoch") == epochs]
    ours_acc = [r["test_accuracy"] for r in rows if r["model"] == model and r["peer"] == "swiftmaas-dp" and r.get("epochs") == epochs]
    opacus_s, dp_s, plain_s = (statistics.median(pick(p, "seconds")) for p in ("opacus", "swiftmaas-dp", "swiftmaas"))
    print(json.dumps({"model": model, "opacus_accuracy": statistics.median(opacus_acc),
                      "swiftmaas_dp_accuracy": statistics.median(ours_acc),
                      "accuracy_gap_points": 100 * (statistics.median(ours_acc) - statistics.median(opacus_acc)),
                      "opacus_spent_epsilon": pick("opacus", "epsilon")[-1], "swiftmaas_spent_epsilon": pick("swiftmaas-dp", "spent_epsilon")[-1:],
                      "opacus_epoch_s": opacus_s, "swiftmaas_dp_epoch_s": dp_s, "swiftmaas_epoch_s": plain_s,
                      "dp_over_plain_epoch": dp_s / plain_s, "dp_over_opacus_epoch": dp_s / opacus_s}))
PY
