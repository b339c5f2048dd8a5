#!/usr/bin/env bash
# End-to-end privacy checks against the release binary: kill -9 during master-key rotations,
# TLS (curl, the openai client, the maas client verbs, mutual TLS, TLS 1.1 refused), the
# privacy verbs (PII report, policies, record erasure, erasure of derived models, the audit
# chain and a tampered entry found by `maas audit verify`).
# ROTATION_KILLS (default 20) is how many kills must land inside a rotation.
set -uo pipefail
cd "$(dirname "$0")/.."
MAAS=$PWD/.build/release/maas
WORK=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill -9 $server 2>/dev/null; rm -rf "$WORK"' EXIT
passed=0 failed=0
check() { # name, condition command
  if eval "$2"; then passed=$((passed + 1)); echo "✔ $1"; else failed=$((failed + 1)); echo "✘ $1"; fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ADMIN=privacy-test-admin-key
start() { # data dir, log, extra serve options...
  local dir=$1 log=$2; shift 2
  MAAS_ADMIN_KEY=$ADMIN $MAAS serve --port "$port" --data-dir "$dir" "$@" >> "$log" 2>&1 &
  server=$!
}
ready() { curl -sf ${CURL_TLS:-} "$MAAS_URL/v2/health/ready" > /dev/null; }
wait_ready() { for _ in $(seq 100); do ready && return 0; kill -0 $server 2>/dev/null || return 1; sleep 0.1; done; return 1; }

# --- kill -9 during master-key rotation ---------------------------------------------------------
port=$(free_port)
export MAAS_URL="http://127.0.0.1:$port" MAAS_API_KEY=$ADMIN
DATA=$WORK/rotation
start "$DATA" "$WORK/rotation.log"
wait_ready
DATASETS=${ROTATION_DATASETS:-1500}
# Many small datasets: one data key each, so a rotation re-wraps them in ~50 batches.
python3 - "$port" "$DATASETS" "$ADMIN" <<'PY'
import http.client, sys, threading
port, n, key = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def work(start):
    c = http.client.HTTPConnection("127.0.0.1", port)
    for i in range(start, n, 8):
        body = f"id,email,score\n{i},user{i}@example.com,{i * 0.5}\n".encode()
        c.request("POST", f"/v1/datasets/d{i}?format=csv", body, {"Authorization": "Bearer " + key})
        r = c.getresponse(); r.read()
        assert r.status in (200, 201), (i, r.status)
threads = [threading.Thread(target=work, args=(s,)) for s in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
PY
check "rotation: $DATASETS datasets uploaded" "[ \$(sqlite3 $DATA/metadata.sqlite 'select count(*) from data_keys') -ge $DATASETS ]"
# Every dataset reads back byte for byte: all of them (ALL=1) or a random sample.
readable() {
  python3 - "$port" "$DATASETS" "$ADMIN" "${1:-0}" <<'PY'
import http.client, random, sys
port, n, key, everything = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
c = http.client.HTTPConnection("127.0.0.1", port)
for i in (range(n) if everything else random.sample(range(n), 60)):
    c.request("GET", f"/v1/datasets/d{i}/file", headers={"Authorization": "Bearer " + key})
    r = c.getresponse(); body = r.read()
    want = f"id,email,score\n{i},user{i}@example.com,{i * 0.5}\n".encode()
    if r.status != 200 or body != want:
        sys.exit(f"d{i}: {r.status} {body[:120]!r}")
PY
}
keys_by_master() { sqlite3 "$DATA/metadata.sqlite" 'select count(distinct master_key_id) from data_keys'; }
# How long a whole rotation takes here, to spread the kills over it.
start_ns=$(date +%s%N)
$MAAS admin rotate-master-key > /dev/null
span_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
inside=0 kills=0 unreadable=0 refused=0
target=${ROTATION_KILLS:-20}
while [ $inside -lt "$target" ] && [ $kills -lt $((target * 5)) ]; do
  # The pause is drawn before the rotation starts (python3 takes ~150 ms to start here).
  ms=$((RANDOM % (span_ms * 11 / 10 + 1))); pause=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
  curl -s -X POST -H "Authorization: Bearer $ADMIN" "$MAAS_URL/v1/admin/master-key/rotate" > /dev/null &
  rotation=$!
  sleep "$pause"
  kill -9 $server; wait $server 2>/dev/null; wait $rotation 2>/dev/null
  kills=$((kills + 1))
  # Inside a rotation: keys under two master keys, or the next key written and not yet moved.
  if [ "$(keys_by_master)" != 1 ] || [ -e "$DATA/master.key.next" ]; then inside=$((inside + 1)); fi
  start "$DATA" "$WORK/rotation.log"
  if ! wait_ready; then refused=$((refused + 1)); tail -3 "$WORK/rotation.log"; break; fi
  [ "$(keys_by_master)" = 1 ] && [ ! -e "$DATA/master.key.next" ] || refused=$((refused + 1))
  readable || unreadable=$((unreadable + 1))
done
echo "  rotation: $kills kills, $inside inside a rotation (~${span_ms} ms each), restarts refused $refused, unreadable $unreadable"
check "rotation: $target kill -9s inside a rotation, each restart finishes it" "[ $inside -ge $target ] && [ $refused = 0 ]"
check "rotation: every dataset reads back byte for byte after the last restart" "[ $unreadable = 0 ] && readable 1"
check "rotation: the restart says it finished an interrupted rotation" "grep -q 'finished a master key rotation' $WORK/rotation.log"
check "rotation: the master key file is mode 0600" "[ \"\$(stat -c %a $DATA/master.key)\" = 600 ]"
check "rotation: no dataset value in the data folder" "! grep -rqa 'user7@example.com' $DATA"
kill $server; wait $server 2>/dev/null
err=$(MAAS_MASTER_KEY=$($MAAS admin new-master-key) $MAAS serve --port "$port" --data-dir "$DATA" 2>&1)
check "errors: a wrong master key names its source and the server does not start" "echo \"\$err\" | grep -q 'MAAS_MASTER_KEY holds key' && echo \"\$err\" | grep -q 'nothing was changed'"

# --- TLS ---------------------------------------------------------------------------------------
PKI=$WORK/pki
mkdir -p "$PKI"
(
  cd "$PKI"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=maas test CA" -keyout ca.key -out ca.pem
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.pem
  openssl req -newkey rsa:2048 -nodes -subj "/CN=maas client" -keyout client.key -out client.csr
  openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out client.pem
) > /dev/null 2>&1
port=$(free_port)
export MAAS_URL="https://127.0.0.1:$port"
CURL_TLS="--cacert $PKI/ca.pem"
start "$WORK/tls" "$WORK/tls.log" --tls-cert "$PKI/server.pem" --tls-key "$PKI/server.key"
check "tls: serves HTTPS, curl verifies the chain" wait_ready
check "tls: curl without the CA refuses the server" "! curl -sf $MAAS_URL/v2/health/ready > /dev/null 2>&1"
check "tls: plain HTTP on the TLS port gets no answer" "! curl -sf --max-time 3 http://127.0.0.1:$port/v2/health/ready > /dev/null 2>&1"
# The client allows TLS 1.1 (security level 0), so the refusal is the server's.
out=$(echo | openssl s_client -connect 127.0.0.1:$port -tls1_1 -cipher 'DEFAULT@SECLEVEL=0' 2>&1)
check "tls: a TLS 1.1 client is refused (protocol version alert)" "echo \"\$out\" | grep -qi 'alert protocol version\|unsupported protocol\|wrong version'"
out=$(echo | openssl s_client -connect 127.0.0.1:$port -tls1_2 -CAfile "$PKI/ca.pem" 2>&1)
check "tls: TLS 1.2 is accepted" "echo \"\$out\" | grep -q 'Verify return code: 0 (ok)'"
printf 'id,email,age\n1,tls@example.com,31\n2,other@example.com,45\n' > "$WORK/people.csv"
check "tls: maas client verbs trust MAAS_CA_CERT" "MAAS_CA_CERT=$PKI/ca.pem $MAAS datasets upload $WORK/people.csv --name people | grep -q '2 rows'"
# Refused at once with a message (timeout's 124 would mean the client kept retrying the handshake).
out=$(timeout 20 $MAAS datasets list 2>&1); rc=$?
check "tls: maas client verbs refuse an unknown CA, at once, saying so" "[ $rc != 0 ] && [ $rc != 124 ] && echo \"\$out\" | grep -q 'cannot reach'"
check "tls: the openai client verifies the server against the CA, and refuses it without" "python3 - <<PY
import os, ssl
import openai
url, key = os.environ['MAAS_URL'] + '/v1', os.environ['MAAS_API_KEY']
trusted = openai.OpenAI(base_url=url, api_key=key, http_client=openai.DefaultHttpxClient(verify=ssl.create_default_context(cafile='$PKI/ca.pem')))
assert trusted.models.list().object == 'list'
try:
    openai.OpenAI(base_url=url, api_key=key, max_retries=0).models.list()
    raise SystemExit('an unverified server was trusted')
except openai.APIConnectionError:
    pass
PY"
kill $server; wait $server 2>/dev/null
start "$WORK/tls" "$WORK/tls.log" --tls-cert "$PKI/server.pem" --tls-key "$PKI/server.key" --tls-client-ca "$PKI/ca.pem"
CURL_TLS="--cacert $PKI/ca.pem --cert $PKI/client.pem --key $PKI/client.key"
check "mtls: a client certificate from the CA is accepted" wait_ready
check "mtls: no client certificate, no connection" "! curl -sf --cacert $PKI/ca.pem $MAAS_URL/v2/health/ready > /dev/null 2>&1"
check "mtls: maas client verbs present MAAS_CLIENT_CERT" "MAAS_CA_CERT=$PKI/ca.pem MAAS_CLIENT_CERT=$PKI/client.pem MAAS_CLIENT_KEY=$PKI/client.key $MAAS datasets list | grep -q '^people'"
kill $server; wait $server 2>/dev/null
CURL_TLS=
port=$(free_port)
export MAAS_URL="http://127.0.0.1:$port"
MAAS_ADMIN_KEY=$ADMIN timeout 3 $MAAS serve --host 0.0.0.0 --port "$port" --data-dir "$WORK/open" > "$WORK/open.log" 2>&1
check "tls: plain HTTP on a non-loopback address logs a warning" "grep -q 'not a loopback address' $WORK/open.log"

# --- privacy verbs: PII report, policies, record erasure, derived models, the audit chain -------
start "$WORK/verbs" "$WORK/verbs.log"
wait_ready
python3 - "$WORK/customers.csv" <<'PY'
import random, sys
random.seed(3)
with open(sys.argv[1], "w") as f:
    f.write("customer_id,email,card,age,spend,churn\n")
    for i in range(300):
        age = random.randint(18, 80)
        spend = round(random.uniform(0, 500), 2)
        f.write(f"c{i},person{i}@example.com,4111111111111111,{age},{spend},{int(spend < 150)}\n")
PY
check "verbs: upload with a policy" "$MAAS datasets upload $WORK/customers.csv --name customers --policy card=drop | grep -q '300 rows'"
out=$($MAAS datasets show customers)
check "verbs: the PII report names the e-mail and card columns" "echo \"\$out\" | grep -q 'email' && echo \"\$out\" | grep -q 'payment_card'"
check "verbs: policies set later (hash, generalize)" "$MAAS datasets policy customers card=drop email=hash age=generalize:10 | grep -q 'generalize'"
viewer=$(curl -sf -X POST -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' "$MAAS_URL/v1/keys" -d '{"role": "viewer", "name": "viewer"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
preview=$(curl -sf -H "Authorization: Bearer $viewer" "$MAAS_URL/v1/datasets/customers")
check "verbs: a viewer's preview hides the e-mail addresses" "! echo \"\$preview\" | grep -q 'person0@example.com' && echo \"\$preview\" | grep -q 'rows'"
check "verbs: a viewer cannot download the raw file (403)" "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $viewer' $MAAS_URL/v1/datasets/customers/file)\" = 403 ]"
out=$($MAAS jobs submit --name churn --dataset customers --target churn --spec '{"algorithm": "random_forest", "n_estimators": 10}' --seed 1 2>&1)
check "verbs: a model trains on the policed dataset" "echo \"\$out\" | grep -q 'registered churn@1'"
out=$($MAAS datasets erase-records customers --column customer_id c1 c2 c3)
check "verbs: erase-records removes exactly the named rows and flags the model" "echo \"\$out\" | grep -q 'erased 3 rows' && echo \"\$out\" | grep -q '297 rows' && echo \"\$out\" | grep -q 'churn@1'"
check "verbs: models show reports trained_on_erased_data" "$MAAS models show churn | grep -q '\"trained_on_erased_data\" : true'"
check "verbs: deploy the flagged version" "$MAAS deploy churn@1 | grep -q 'deployed churn'"
err=$($MAAS datasets delete customers --erase-derived 2>&1)
check "verbs: erasing a deployed derived version is refused, naming the endpoint" "echo \"\$err\" | grep -q \"endpoint 'churn'\""
out=$($MAAS datasets delete customers --erase-derived --force)
check "verbs: --force undeploys, erases the dataset and its derived versions" "echo \"\$out\" | grep -q 'erased model versions: churn@1' && echo \"\$out\" | grep -q 'undeployed: churn'"
check "verbs: audit list shows the erasure and the denied download" "$MAAS audit list | grep -q 'dataset.erase' && $MAAS audit list | grep -q 'denied'"
check "verbs: audit verify passes on an untouched chain" "$MAAS audit verify | grep -q 'audit log intact'"
kill $server; wait $server 2>/dev/null
sqlite3 "$WORK/verbs/metadata.sqlite" "update audit_log set resource = 'dataset:nothing-to-see' where sequence = 3"
start "$WORK/verbs" "$WORK/verbs.log"
wait_ready
out=$($MAAS audit verify 2>&1)
check "verbs: audit verify names an edited entry and fails" "! $MAAS audit verify > /dev/null 2>&1 && echo \"\$out\" | grep -q 'entry 3'"
check "logs: no request body, dataset value or key in any server log" "! grep -qa -e 'person5@example.com' -e '$ADMIN' -e '$viewer' -e 'user7@example.com' $WORK/*.log"
kill $server; wait $server 2>/dev/null
server=

echo "privacy: $passed passed, $failed failed"
[ "$failed" = 0 ]
