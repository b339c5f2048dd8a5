#!/usr/bin/env bash
# Records linker/serving.order: the functions a `maas serve` process runs while it starts, takes a
# model import and deployment, and serves chat, completions and metrics. `make build` links them
# together (lld --symbol-ordering-file), so a serving process touches a few dense code pages
# instead of a page here and there across 30 MiB of code, each of which the kernel maps with its
# 64 KiB neighbourhood. Run by hand as root after changing the request path, then commit the file:
#
#   make order-file        # or: sudo scripts/make_order_file.sh, with SWIFT_BUILD from the Makefile
#
# How: a profiling binary starts every function on its own page (linker/paged-text.lds). With
# read-ahead off and the page cache dropped, the pages a process has resident are exactly the
# ones it touched, so they name the functions it ran (bench/llm/resident_code.py --order). Two
# runs are merged, because thread timing varies which error and shutdown paths run.
#
# Functions without a symbol (the compiler's private ones, `.text..L__unnamed_N` in each object
# file) cannot be named in the ordering file; the profiling link's map names their sections, and
# linker/serving-unnamed.lds places those that ran just before .text, next to the ordered ones.
# At idle a server ran 100 of them, each alone in a 64 KiB neighbourhood the kernel maps whole.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "make_order_file.sh needs root: it drops the page cache and turns read-ahead off while it measures" >&2; exit 1; }
: "${SWIFT_BUILD:?run through make order-file, which passes the product build command}"
MODEL=models/smollm2-135m-instruct-q4_1.gguf
[ -f "$MODEL" ] || scripts/fetch_models.sh
PORT=${PORT:-18441}
WORK=$(mktemp -d)
ORDER=linker/serving.order
UNNAMED=linker/serving-unnamed.lds
cp "$UNNAMED" "$WORK/unnamed.lds"

# The profiling binary: the product's objects, each text section on its own page (the unnamed
# sections too: the product's placement of them is left out of this link), and its link map.
echo "/* left empty while scripts/make_order_file.sh profiles */" > "$UNNAMED"
if ! $SWIFT_BUILD -Xlinker -T -Xlinker linker/paged-text.lds -Xlinker -Map="$WORK/paged.map" > /dev/null; then
  cp "$WORK/unnamed.lds" "$UNNAMED"
  exit 1
fi
cp "$WORK/unnamed.lds" "$UNNAMED"
cp .build/release/maas "$WORK/maas-paged"

DEVICE=$(lsblk -no PKNAME "$(findmnt -no SOURCE -T "$WORK")" 2>/dev/null | head -1)
[ -n "$DEVICE" ] || DEVICE=$(basename "$(findmnt -no SOURCE -T "$WORK")")
READ_AHEAD=/sys/block/$DEVICE/queue/read_ahead_kb
SAVED_READ_AHEAD=$(cat "$READ_AHEAD")
SERVER=
cleanup() {
  echo "$SAVED_READ_AHEAD" > "$READ_AHEAD"
  [ -z "$SERVER" ] || kill "$SERVER" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

export MAAS_ADMIN_KEY=order-admin-key MAAS_URL=http://127.0.0.1:$PORT MAAS_API_KEY=order-admin-key
# The client is the same binary, as it is on a serving machine: the pages it reads are in the
# page cache, where the kernel's fault-around maps them into the server too.
CLIENT=$WORK/maas-paged
post() { curl -sf "$MAAS_URL$1" -H "Authorization: Bearer $MAAS_API_KEY" -H 'Content-Type: application/json' -d "$2" > /dev/null; }
: > "$WORK/order"
: > "$WORK/unnamed"
for run in 1 2; do
  rm -rf "$WORK/data"
  sync
  echo 0 > "$READ_AHEAD"
  echo 1 > /proc/sys/vm/drop_caches
  MAAS_THREADS=2 "$WORK/maas-paged" serve --port "$PORT" --data-dir "$WORK/data" > "$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 200); do curl -sf "$MAAS_URL/v2/health/ready" > /dev/null && break; sleep 0.1; done
  "$CLIENT" models import "$MODEL" --name smollm > /dev/null
  "$CLIENT" deploy smollm > /dev/null
  post /v1/completions '{"model": "smollm", "prompt": "The history of the city is long and full of surprises.", "max_tokens": 64, "temperature": 0}'
  post /v1/chat/completions '{"model": "smollm", "messages": [{"role": "user", "content": "Name three rivers."}], "max_tokens": 32, "logprobs": true, "top_logprobs": 2}'
  post /v1/chat/completions '{"model": "smollm", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Name three rivers."}], "max_tokens": 32, "stream": true, "temperature": 0.7, "top_p": 0.9, "seed": 1}'
  post /v1/completions '{"model": "smollm", "prompt": "One, two,", "max_tokens": 16, "stop": ["five"], "stream": true}'
  post /v1/chat/completions '{"model": "smollm", "messages": [], "max_tokens": 8}' || true  # the error path
  curl -sf "$MAAS_URL/v1/models" -H "Authorization: Bearer $MAAS_API_KEY" > /dev/null
  curl -sf "$MAAS_URL/v1/usage" -H "Authorization: Bearer $MAAS_API_KEY" > /dev/null
  curl -sf "$MAAS_URL/metrics" -H "Authorization: Bearer $MAAS_API_KEY" > /dev/null
  echo "$SAVED_READ_AHEAD" > "$READ_AHEAD"
  python3 bench/llm/resident_code.py "$SERVER" "$WORK/maas-paged" --order "$WORK/order" --map "$WORK/paged.map" --unnamed "$WORK/unnamed" | tail -2
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  SERVER=
done
cp "$WORK/order" "$ORDER"
echo "wrote $ORDER: $(wc -l < "$ORDER") symbols"
{
  echo "/* Generated by scripts/make_order_file.sh: the functions without a symbol (compiler-private,"
  echo "   one set per object file) that a serving process ran, placed just before .text, where the"
  echo "   functions linker/serving.order names begin. */"
  echo "SECTIONS {"
  echo "  .text.serving : {"
  # One line per object file; characters a script pattern cannot hold match as '?'.
  sort "$WORK/unnamed" | awk '{ gsub(/[^A-Za-z0-9_.\/*:-]/, "?", $1); if ($1 != file) { if (file != "") print line ")"; file = $1; line = "    " $1 "(" $2 } else line = line " " $2 }
                              END { if (file != "") print line ")" }'
  echo "  }"
  echo "} INSERT BEFORE .text;"
} > "$UNNAMED"
echo "wrote $UNNAMED: $(wc -l < "$WORK/unnamed") sections"
$SWIFT_BUILD > /dev/null
