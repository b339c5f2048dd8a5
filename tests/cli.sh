#!/usr/bin/env bash
# End-to-end checks of the maas command line on real files: each check runs the release binary
# and tests what it printed (accuracy thresholds, predicted labels, error messages).
set -uo pipefail
cd "$(dirname "$0")/.."
MAAS=.build/release/maas
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0 failed=0

check() { # name, condition command
  if eval "$2"; then passed=$((passed + 1)); echo "✔ $1"; else failed=$((failed + 1)); echo "✘ $1"; fi
}
value() { # metric name from "  name: value" lines
  grep -E "^\s+$1: " | head -1 | awk '{print $2}'
}
above() { python3 -c "import sys; sys.exit(0 if float('$1' or 'nan') >= $2 else 1)"; }

out=$($MAAS eval --data data/sklearn/wine.csv --target target --model '{"algorithm": "svm"}' --cv 5 --json)
check "eval: SVC on wine, 5-fold accuracy >= 0.97" "above $(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["mean"]["accuracy"])') 0.97"

out=$($MAAS train --spec '{"algorithm": "gradient_boosting"}' --data data/sklearn/breast_cancer.csv --target target --output "$WORK/bc")
check "train: boosting on breast cancer, held-out accuracy >= 0.93" "above $(echo "$out" | value accuracy) 0.93"
check "predict: classical artifact labels raw rows" "[ \"\$($MAAS predict --model $WORK/bc --input data/sklearn/breast_cancer.csv --limit 3 | wc -l)\" = 3 ]"

python3 tests/make_reviews.py "$WORK/reviews.csv"
cat > "$WORK/lstm.json" <<'JSON'
{"input": {"shape": [24]},
 "layers": [{"type": "embedding", "input_dim": 1000, "output_dim": 32}, {"type": "lstm", "units": 32, "return_sequences": true},
            {"type": "lstm", "units": 32}, {"type": "dense", "units": 1, "activation": "sigmoid"}],
 "loss": "binary_crossentropy", "optimizer": {"type": "adam", "lr": 0.005}, "epochs": 4, "batch_size": 32, "seed": 1}
JSON
out=$($MAAS train --spec "$WORK/lstm.json" --data "$WORK/reviews.csv" --target sentiment --output "$WORK/reviews" 2>/dev/null)
check "train: LSTM text classifier from raw text, held-out accuracy >= 0.85" \
  "above $(echo "$out" | value test_accuracy) 0.85"
printf 'review\n"Lovely fresh food and friendly service."\n"Cold stale bread, rude staff."\n' > "$WORK/new.csv"
out=$($MAAS predict --model "$WORK/reviews" --input "$WORK/new.csv")
check "predict: LSTM labels unseen sentences from raw text" \
  "[ \"\$(echo \"$out\" | cut -f2 | tr '\n' ' ')\" = 'positive negative ' ]"

python3 -c "
import csv
rows = list(csv.reader(open('data/statsmodels/elec_equip.csv')))[1:]
open('$WORK/series.csv', 'w').write('month,value\n' + ''.join(f'{r[0]},{r[1]}\n' for r in rows))"
out=$($MAAS train --spec '{"algorithm": "holt_winters", "season_length": 12, "seasonal": "multiplicative"}' --data "$WORK/series.csv" --target value --output "$WORK/hw")
check "train: Holt-Winters, held-out MAPE <= 5%" "python3 -c 'import sys; sys.exit(0 if float(\"$(echo "$out" | value mape)\") <= 0.05 else 1)'"
check "predict: 24-step forecast with intervals" "[ \"\$($MAAS predict --model $WORK/hw --steps 24 | tail -n +2 | awk '\$3 < \$2 && \$2 < \$4' | wc -l)\" = 24 ]"

python3 -c "
import random
random.seed(1)
with open('$WORK/ratings.csv', 'w') as f:
    f.write('user,item,rating\n')
    for u in range(100):
        for i in range(50):
            if random.random() < 0.3: f.write(f'u{u},item{i},{(u % 5) + (i % 3) + random.random():.2f}\n')"
out=$($MAAS train --spec '{"algorithm": "matrix_factorization", "factors": 4}' --data "$WORK/ratings.csv" --target rating --output "$WORK/mf")
check "train: ALS recommender, held-out RMSE <= 0.6" "python3 -c 'import sys; sys.exit(0 if float(\"$(echo "$out" | value rmse)\") <= 0.6 else 1)'"
seen=$(grep '^u3,' "$WORK/ratings.csv" | cut -d, -f2 | sort)
recommended=$($MAAS predict --model "$WORK/mf" --user u3 --top 10 | cut -f2 | tr ' ' '\n' | cut -d: -f1 | sort)
check "predict: recommendations leave out seen items" "[ -z \"\$(comm -12 <(echo \"$seen\") <(echo \"$recommended\"))\" ] && [ \$(echo \"$recommended\" | wc -l) = 10 ]"

err=$($MAAS train --spec '{"algorithm": "svm", "C": -1}' --data data/sklearn/wine.csv --target target 2>&1)
check "errors: a bad hyperparameter names the field" "echo \"$err\" | grep -q 'C: must be a positive number'"
err=$($MAAS eval --data data/sklearn/wine.csv --target nope --model '{"algorithm": "knn"}' 2>&1)
check "errors: an unknown target names the columns" "echo \"$err\" | grep -q \"no column named 'nope'\""

# Client verbs against a running server: upload, train as a job, alias, deploy, predict.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export MAAS_URL="http://127.0.0.1:$port" MAAS_API_KEY="cli-test-admin-key"
MAAS_ADMIN_KEY=$MAAS_API_KEY $MAAS serve --port "$port" --data-dir "$WORK/server" > "$WORK/serve.log" 2>&1 &
server=$!
ready() { python3 -c "import urllib.request; urllib.request.urlopen('$MAAS_URL/v2/health/ready', timeout=1)" 2>/dev/null; }
for _ in $(seq 50); do ready && break; sleep 0.1; done
check "serve: ready within 5 s" ready
check "datasets upload: wine" "$MAAS datasets upload data/sklearn/wine.csv --name wine | grep -q '178 rows'"
check "datasets list" "$MAAS datasets list | grep -q '^wine'"
err=$($MAAS datasets upload "$WORK/no-such-file.csv" 2>&1 || true)
check "errors: an unreadable upload is named before anything is sent" "echo \"$err\" | grep -q 'cannot read $WORK/no-such-file.csv'"
out=$($MAAS jobs submit --name wine --dataset wine --target target --spec '{"algorithm": "random_forest", "n_estimators": 30}' --validation kfold:5 --seed 1 2>&1)
check "jobs submit: follows to a registered version with k-fold metrics" "echo \"$out\" | grep -q 'registered wine@1' && echo \"$out\" | grep -q 'cv_accuracy 0.9'"
check "jobs status lists the job" "$MAAS jobs status | grep -q 'succeeded'"
check "models alias + list" "$MAAS models alias wine production 1 > /dev/null && $MAAS models list | grep -q 'production→1'"
check "deploy" "$MAAS deploy wine@production | grep -q 'deployed wine'"
head -6 data/sklearn/wine.csv | cut -d, -f1-13 > "$WORK/wine-new.csv"
check "predict --endpoint labels raw rows" "[ \"\$($MAAS predict --endpoint wine --input $WORK/wine-new.csv | cut -f2 | tr '\n' ' ')\" = '0 0 0 0 0 ' ]"
err=$($MAAS jobs submit --name x --dataset nope --target t --spec '{"algorithm": "svm"}' 2>&1)
check "errors: the server's message reaches the command line" "echo \"$err\" | grep -q \"dataset 'nope' not found\""
# Sentence embeddings through the official OpenAI Python client (base64 and float encodings).
check "models import: a sentence-transformers directory" "$MAAS models import models/all-minilm-l6-v2 --name minilm | grep -q 'sentence_encoder'"
check "deploy minilm" "$MAAS deploy minilm | grep -q 'deployed minilm'"
check "openai client: embeddings match sentence-transformers (cosine > 0.999)" "python3 - <<'PY'
import json, os
from openai import OpenAI
client = OpenAI(base_url=os.environ['MAAS_URL'] + '/v1', api_key=os.environ['MAAS_API_KEY'])
fixture = json.load(open('Tests/LanguageModelTests/Fixtures/minilm.json'))
sentences, expected = fixture['sentences'][:8], fixture['embeddings'][:8]
# Left unset, the client asks for base64 and decodes it itself; float is the plain JSON form.
for options in ({}, {'encoding_format': 'float'}):
    response = client.embeddings.create(model='minilm', input=sentences, **options)
    assert [d.index for d in response.data] == list(range(8))
    for got, want in zip(response.data, expected):
        cosine = sum(a * b for a, b in zip(got.embedding, want))
        assert cosine > 0.999, cosine
    assert response.usage.prompt_tokens == sum(len(ids) for ids in fixture['token_ids'][:8])
assert 'minilm' in [m.id for m in client.models.list().data]
PY"
# Chat, streaming chat and completions with SmolLM2 (GGUF) through the OpenAI Python client.
check "models import: a GGUF language model, its chat format recognised" "$MAAS models import models/smollm2-135m-instruct-q4_1.gguf --name smollm | grep -q 'language_model' && curl -sf \$MAAS_URL/v1/models/smollm -H \"Authorization: Bearer \$MAAS_API_KEY\" | grep -q '\"chat_format\":\"chatml\"'"
check "deploy smollm" "$MAAS deploy smollm | grep -q 'deployed smollm'"
check "openai client: chat, streaming chat with usage, completions, stop sequences" "python3 - <<'PY'
import os
from openai import OpenAI
client = OpenAI(base_url=os.environ['MAAS_URL'] + '/v1', api_key=os.environ['MAAS_API_KEY'])
question = [{'role': 'user', 'content': 'What is the capital of France? Answer with the city name.'}]
reply = client.chat.completions.create(model='smollm', messages=question, temperature=0, max_tokens=30)
assert 'Paris' in reply.choices[0].message.content and reply.choices[0].finish_reason == 'stop', reply
assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
pieces, usage = [], None
for chunk in client.chat.completions.create(model='smollm', messages=question, temperature=0, max_tokens=30, stream=True,
                                             stream_options={'include_usage': True}):
    if chunk.choices and chunk.choices[0].delta.content:
        pieces.append(chunk.choices[0].delta.content)
    usage = chunk.usage or usage
assert ''.join(pieces) == reply.choices[0].message.content and usage.completion_tokens == reply.usage.completion_tokens
text = client.completions.create(model='smollm', prompt='Once upon a time', max_tokens=8, temperature=0)
assert text.choices[0].finish_reason == 'length' and text.usage.completion_tokens == 8
counted = client.chat.completions.create(model='smollm', messages=[{'role': 'user', 'content': 'Count from 1 to 10.'}],
                                         temperature=0, max_tokens=60, stop=['5'])
assert '5' not in counted.choices[0].message.content and '4' in counted.choices[0].message.content
PY"
check "openai client: log-probabilities (chat and completions, streamed and not), echo, and a key's quota (429 as RateLimitError)" "python3 - <<'PY'
import json, math, os, urllib.request
import openai
from openai import OpenAI
client = OpenAI(base_url=os.environ['MAAS_URL'] + '/v1', api_key=os.environ['MAAS_API_KEY'])
reply = client.chat.completions.create(model='smollm', messages=[{'role': 'user', 'content': 'Name a color.'}], temperature=0,
                                       max_tokens=12, logprobs=True, top_logprobs=3)
entries = reply.choices[0].logprobs.content
assert len(entries) == reply.usage.completion_tokens, (len(entries), reply.usage)
assert b''.join(bytes(e.bytes) for e in entries) == reply.choices[0].message.content.encode()
for e in entries:  # greedy: each token is the most likely one, and the alternatives are in order
    assert len(e.top_logprobs) == 3 and e.top_logprobs[0].token == e.token and e.top_logprobs[0].logprob == e.logprob <= 0, e
    assert e.top_logprobs[0].logprob >= e.top_logprobs[1].logprob >= e.top_logprobs[2].logprob
    assert sum(math.exp(t.logprob) for t in e.top_logprobs) <= 1.0001
streamed = [e for chunk in client.chat.completions.create(model='smollm', messages=[{'role': 'user', 'content': 'Name a color.'}],
                                                          temperature=0, max_tokens=12, logprobs=True, top_logprobs=3, stream=True)
            if chunk.choices and chunk.choices[0].logprobs for e in chunk.choices[0].logprobs.content]
assert [(e.token, e.logprob) for e in streamed] == [(e.token, e.logprob) for e in entries], (streamed, entries)
text = client.completions.create(model='smollm', prompt='Once upon a time', max_tokens=6, temperature=0, logprobs=2)
lp = text.choices[0].logprobs
assert len(lp.tokens) == 6 and ''.join(lp.tokens) == text.choices[0].text and len(lp.top_logprobs[0]) == 2
assert all(v <= 0 for v in lp.token_logprobs) and lp.text_offset[0] == 0
chunks = [c.choices[0].logprobs for c in client.completions.create(model='smollm', prompt='Once upon a time', max_tokens=6, temperature=0,
                                                                    logprobs=2, stream=True) if c.choices and c.choices[0].logprobs]
assert sum((c.tokens for c in chunks), []) == lp.tokens and sum((c.text_offset for c in chunks), []) == lp.text_offset, chunks
echoed = client.completions.create(model='smollm', prompt='Once upon a time', max_tokens=6, temperature=0, echo=True)
assert echoed.choices[0].text == 'Once upon a time' + text.choices[0].text, echoed
request = urllib.request.Request(os.environ['MAAS_URL'] + '/v1/keys', method='POST',
                                 data=json.dumps({'role': 'inference', 'name': 'metered', 'limits': {'requests_per_minute': 1}}).encode(),
                                 headers={'Authorization': 'Bearer ' + os.environ['MAAS_API_KEY'], 'Content-Type': 'application/json'})
metered = OpenAI(base_url=os.environ['MAAS_URL'] + '/v1', api_key=json.load(urllib.request.urlopen(request))['key'], max_retries=0)
metered.completions.create(model='smollm', prompt='Hi', max_tokens=1)
try:
    metered.completions.create(model='smollm', prompt='Hi', max_tokens=1)
    raise SystemExit('second request within the minute was not refused')
except openai.RateLimitError as error:
    assert error.body['code'] == 'rate_limit_exceeded' and int(error.response.headers['retry-after']) >= 1, error.body
PY"
check "models import: a CTranslate2 Whisper folder" "$MAAS models import models/whisper-tiny-en --name whisper | grep -q 'speech_recognizer'"
check "deploy whisper" "$MAAS deploy whisper | grep -q 'deployed whisper'"
espeak-ng -v en-us -w "$WORK/fox.wav" "The quick brown fox jumps over the lazy dog."
check "transcribe: maas transcribe prints the text and subtitles" "[ \"\$($MAAS transcribe --endpoint whisper $WORK/fox.wav)\" = 'The quick brown fox jump over the lazy nog.' ] && $MAAS transcribe --endpoint whisper $WORK/fox.wav --format srt | grep -q '00:00:00,000 --> 00:00:03,000'"
check "openai client: audio transcriptions (json, verbose_json, text, streamed) and a named error" "WAV=$WORK/fox.wav python3 - <<'PY'
import os
import openai
from openai import OpenAI
client = OpenAI(base_url=os.environ['MAAS_URL'] + '/v1', api_key=os.environ['MAAS_API_KEY'])
expected = 'The quick brown fox jump over the lazy nog.'  # what faster-whisper hears in this clip too
with open(os.environ['WAV'], 'rb') as audio:
    assert client.audio.transcriptions.create(model='whisper', file=audio).text == expected
with open(os.environ['WAV'], 'rb') as audio:
    verbose = client.audio.transcriptions.create(model='whisper', file=audio, response_format='verbose_json', timestamp_granularities=['segment'])
assert verbose.language == 'english' and verbose.segments[0].start == 0 and verbose.segments[0].end == 3 and verbose.text == expected, verbose
with open(os.environ['WAV'], 'rb') as audio:
    timed = client.audio.transcriptions.create(model='whisper', file=audio, response_format='verbose_json', timestamp_granularities=['word'])
assert [w.word for w in timed.words][:3] == ['The', 'quick', 'brown'] and timed.words[0].start == 0 and timed.words[-1].end > timed.words[0].end, timed
with open(os.environ['WAV'], 'rb') as audio:
    assert client.audio.transcriptions.create(model='whisper', file=audio, response_format='text').strip() == expected
with open(os.environ['WAV'], 'rb') as audio:
    events = list(client.audio.transcriptions.create(model='whisper', file=audio, stream=True))
assert [e.type for e in events] == ['transcript.text.delta', 'transcript.text.done'] and events[-1].text == expected, events
try:
    client.audio.transcriptions.create(model='whisper', file=('clip.wav', b'not audio', 'audio/wav'))
    raise SystemExit('bytes that are not audio were accepted')
except openai.BadRequestError as error:
    assert 'not audio SwiftMaaS can decode' in str(error), error
PY"
kill $server; wait $server 2>/dev/null

echo "cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
