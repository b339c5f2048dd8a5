#!/usr/bin/env bash
# Resident memory of a `maas serve` process serving SmolLM2 (issue 5's target: at most 1.3x the
# GGUF file plus the KV cache). Starts a server on a scratch data folder, imports and deploys the
# model through the CLI, sends three 145-token-prompt completions of 128 tokens, then prints the
# server's VmRSS, VmHWM, the resident MiB of each section of the binary (bench/llm/resident_code.py),
# its largest mappings and the target. MAAS=<binary> measures another build.
#   bench/llm/serve_memory.sh [port=18431]
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT=${1:-18431}
MODEL=models/smollm2-135m-instruct-q4_1.gguf
[ -f "$MODEL" ] || scripts/fetch_models.sh
MAAS=${MAAS:-$PWD/.build/release/maas}
WORK=$(mktemp -d)
export MAAS_ADMIN_KEY=bench-admin-key MAAS_URL=http://127.0.0.1:$PORT MAAS_API_KEY=bench-admin-key
MAAS_THREADS=2 "$MAAS" serve --port "$PORT" --data-dir "$WORK" > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -sf "$MAAS_URL/v2/health/ready" > /dev/null && break; sleep 0.1; done
rss() { awk -v k="$1" '$1 == k":" {print $2 / 1024}' /proc/$SERVER/status; }
echo "idle: $(rss VmRSS) MiB"
"$MAAS" models import "$MODEL" --name smollm > /dev/null
echo "after import: $(rss VmRSS) MiB"
"$MAAS" deploy smollm > /dev/null
echo "after deploy: $(rss VmRSS) MiB"
PROMPT=$(python3 -c 'print("The history of the city is long and full of surprises. " * 12)')
for _ in 1 2 3; do
  curl -sf "$MAAS_URL/v1/completions" -H "Authorization: Bearer $MAAS_API_KEY" -H 'Content-Type: application/json' \
    -d "$(python3 -c 'import json,sys; print(json.dumps({"model": "smollm", "prompt": sys.argv[1], "max_tokens": 128, "temperature": 0}))' "$PROMPT")" \
    | python3 -c 'import json,sys; u=json.load(sys.stdin)["usage"]; print("completion:", u["prompt_tokens"], "prompt +", u["completion_tokens"], "generated tokens")'
done
mkdir -p bench/out/llm && cp /proc/$SERVER/smaps bench/out/llm/serve_smaps.txt
python3 bench/llm/resident_code.py $SERVER "$MAAS" | grep -v " 0.00 MiB"
echo "serving: VmRSS $(rss VmRSS) MiB, VmHWM $(rss VmHWM) MiB"
python3 - bench/out/llm/serve_smaps.txt "$MODEL" <<'PY'
import os, re, sys
sizes, name = {}, None
for line in open(sys.argv[1]):
    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
        parts = line.split()
        name = parts[5] if len(parts) > 5 else "[anonymous]"
        name = os.path.basename(name)
    elif line.startswith("Rss:"):
        sizes[name] = sizes.get(name, 0) + int(line.split()[1])
for name, kib in sorted(sizes.items(), key=lambda item: -item[1])[:12]:
    print(f"  {kib / 1024:7.1f} MiB  {name}")
gguf = os.path.getsize(sys.argv[2]) / 2**20
kv = 30 * 2 * 3 * 64 * 2 * 273 / 2**20  # layers x (K,V) x KV heads x head dim x F16 x tokens
print(f"target: 1.3 x {gguf:.1f} + {kv:.1f} (F16 KV, 273 tokens) = {1.3 * gguf + kv:.1f} MiB")
PY
