# Sourced by the p50 comparisons (bench/privacy/serving_p50.sh, bench/scaleout/serving_p50.sh):
# two servers up at once, the same CNN and iris endpoints on each, wrk driving them in turn with
# the order alternating by round, then medians, per-round p50 ranges and the p50 ratio.
# Needs OUT (with cnn/ and iris/ models and the bodies make_bodies.py writes), KEY, ROUNDS,
# SECONDS_PER_RUN, and bench/serving/post.lua and parse_wrk.py.

# Registers and deploys the cnn and iris models on the server at PORT.
p50_deploy() { # port
  for model in cnn iris; do
    curl -sf -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' "http://127.0.0.1:$1/v1/models/$model/versions" \
      -d "{\"path\": \"$OUT/$model\"}" > /dev/null
    curl -sf -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' "http://127.0.0.1:$1/v1/deployments" \
      -d "{\"name\": \"$model\", \"model\": \"$model\"}" > /dev/null
  done
}

# Interleaved rounds against the two servers; prints every run and the summary per workload.
p50_compare() { # name-a port-a name-b port-b
  local a=$1 port_a=$2 b=$3 port_b=$4
  : > "$OUT/results.jsonl"
  run() { # label port model body connections
    BODY=$4 CONTENT_TYPE=application/json KEY=$KEY wrk -t1 -c"$5" -d"${SECONDS_PER_RUN}s" --latency -s bench/serving/post.lua \
      "http://127.0.0.1:$2/v2/models/$3/infer" | python3 bench/serving/parse_wrk.py "$1" | tee -a "$OUT/results.jsonl"
  }
  for round in $(seq "$ROUNDS"); do
    local order=$( (( round % 2 )) && echo "$a:$port_a $b:$port_b" || echo "$b:$port_b $a:$port_a")
    for side in $order; do
      run "${side%%:*}-cnn-16conn" "${side##*:}" cnn "$OUT/image.json" 16
      run "${side%%:*}-iris-1conn" "${side##*:}" iris "$OUT/iris.json" 1
    done
  done
  python3 - "$OUT/results.jsonl" "$a" "$b" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
a, b = sys.argv[2], sys.argv[3]
for workload in ("cnn-16conn", "iris-1conn"):
    stats = {}
    for side in (a, b):
        mine = [r for r in rows if r["label"] == f"{side}-{workload}"]
        stats[side] = {k: statistics.median(r[k] for r in mine) for k in ("rps", "p50_ms", "p99_ms")}
        stats[side]["p50_range_ms"] = [min(r["p50_ms"] for r in mine), max(r["p50_ms"] for r in mine)]
        stats[side]["errors"] = sum(r["non_2xx"] for r in mine)
    print(json.dumps({"workload": workload, **{f"{s}_{k}": v for s in stats for k, v in stats[s].items()},
                      f"p50_{b}_over_{a}": stats[b]["p50_ms"] / stats[a]["p50_ms"]}))
PY
}
