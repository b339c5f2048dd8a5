#!/usr/bin/env python3
"""Speech recognition: SwiftMaaS's native Whisper against faster-whisper on the same weights,
the same audio and the same decoding (greedy, beam 1, temperature fallback on), 2 threads each.

  apt-get install espeak-ng && scripts/fetch_models.sh && swift build -c release --product maas
  python3 -m venv /tmp/fwvenv && /tmp/fwvenv/bin/pip install faster-whisper
  /tmp/fwvenv/bin/python bench/speech/compare.py [--rounds 3] [--wer-clips 6]

espeak-ng speaks bench/speech/sentences.txt: the first seven make a ~30 s clip, all fifty
(spoken slower) a ~5 minute one. Each clip is resampled once to 16 kHz with the
same windowed-sinc filter as the Swift decoder and written as 16-bit WAV, so both sides decode
the same samples. Each run is a fresh process (model load included) measured for wall time and
peak resident memory; each side runs with float32 and with int8 (CTranslate2's compute_type;
`maas transcribe --compute-type`). Rounds interleave the four and report medians. Word error rate is against the spoken sentences (lower case, no
punctuation, digits spelled as espeak-ng says them are left as they are on both sides);
`--wer-clips N` also reports each side's word error rate on N 5-minute clips, one run each: the
one above, then all fifty sentences in other voices, speeds and orders; per clip and the mean.
"""
import argparse, json, os, random, re, resource, statistics, subprocess, sys, tempfile, time, wave

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from make_whisper_fixtures import resample  # noqa: E402  the filter the Swift decoder uses

MODEL = os.path.join(ROOT, "models", "whisper-tiny-en")
MAAS = os.path.join(ROOT, ".build", "release", "maas")

FASTER_WHISPER = """
import json, sys, time
from faster_whisper import WhisperModel
started = time.time()
model = WhisperModel(sys.argv[1], device="cpu", compute_type=sys.argv[3], cpu_threads=2)
loaded = time.time()
segments, _ = model.transcribe(sys.argv[2], beam_size=1, vad_filter=False)
text = "".join(s.text for s in segments).strip()
print(json.dumps({"text": text, "load_seconds": loaded - started, "transcribe_seconds": time.time() - loaded}))
"""


def words(text):
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split()


def wer(reference, hypothesis):
    r, h = words(reference), words(hypothesis)
    d = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        previous, d[0] = d[0], i
        for j in range(1, len(h) + 1):
            previous, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, previous + (r[i - 1] != h[j - 1]))
    return d[len(h)] / max(len(r), 1)


def clip(sentences, path, speed, voice="en-us"):
    with tempfile.TemporaryDirectory() as work:
        raw = os.path.join(work, "raw.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", raw, " ".join(sentences)], check=True)
        with wave.open(raw) as w:
            rate = w.getframerate()
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    audio = resample(pcm, rate)
    with wave.open(path, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
        w.writeframes((np.clip(audio, -1, 1) * 32767).round().astype("<i2").tobytes())
    return len(audio) / 16000


def run(command, env=None):
    """Wall seconds, peak RSS (MiB) and the JSON line a fresh process prints."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.time()
    # A fresh `time -f` wrapper gives this child's own peak, whatever ran before.
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, capture_output=True, text=True, env=env, check=True)
    wall = time.time() - started
    peak = int(out.stderr.strip().splitlines()[-1]) / 1024
    line = next(l for l in out.stdout.splitlines() if l.startswith("{"))
    return wall, peak, json.loads(line)


# Voices, speeds and sentence orders of the word-error-rate set: one 5-minute clip is a single
# sample, and the two int8 implementations round differently enough to move a few words either
# way on any one clip (float32 gives the same words on both sides).
WER_SET = [("en-us", 125, 0), ("en-us", 150, 1), ("en", 135, 2), ("en-us+m3", 140, 3), ("en-029", 130, 4), ("en-us+f2", 145, 5)]


def wer_set(sentences, work, count, env):
    """Word error rate of each side and compute type over `count` long clips (all fifty sentences
    in another voice, speed and order each), one run per clip: accuracy, not timing."""
    totals = {}
    print("\n| voice, speed | maas float32 | faster-whisper float32 | maas int8 | faster-whisper int8 |")
    print("|---|---|---|---|---|")
    for index, (voice, speed, seed) in enumerate(WER_SET[:count]):
        order = list(sentences)
        if seed:
            random.Random(seed).shuffle(order)
        path = os.path.join(work, f"wer{index}.wav")
        clip(order, path, speed, voice)
        reference = " ".join(order)
        row = {}
        row["maas-float32"] = run([MAAS, "transcribe", "--model", MODEL, path, "--format", "json"], env)[2]["text"]
        row["fw-float32"] = run([sys.executable, "-c", FASTER_WHISPER, MODEL, path, "float32"])[2]["text"]
        row["maas-int8"] = run([MAAS, "transcribe", "--model", MODEL, path, "--format", "json", "--compute-type", "int8"], env)[2]["text"]
        row["fw-int8"] = run([sys.executable, "-c", FASTER_WHISPER, MODEL, path, "int8"])[2]["text"]
        rates = {who: wer(reference, text) for who, text in row.items()}
        for who, rate in rates.items():
            totals.setdefault(who, []).append(rate)
        print(f"| {voice}, {speed} | " + " | ".join(f"{rates[w]:.3f}" for w in ["maas-float32", "fw-float32", "maas-int8", "fw-int8"]) + " |", flush=True)
    print("| **mean** | " + " | ".join(f"**{statistics.mean(totals[w]):.4f}**" for w in ["maas-float32", "fw-float32", "maas-int8", "fw-int8"]) + " |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--wer-clips", type=int, default=0, choices=range(0, len(WER_SET) + 1),
                        help="also measure word error rate on this many 5-minute clips (voices, speeds, orders)")
    args = parser.parse_args()
    sentences = [s.strip() for s in open(os.path.join(os.path.dirname(__file__), "sentences.txt")) if s.strip()]
    work = tempfile.mkdtemp()
    clips = []
    short = os.path.join(work, "short.wav")
    clips.append(("30 s", short, clip(sentences[:7], short, 160), " ".join(sentences[:7])))
    long = os.path.join(work, "long.wav")
    clips.append(("5 min", long, clip(sentences, long, 125), " ".join(sentences)))
    env = dict(os.environ, MAAS_THREADS="2")
    rows = []
    for name, path, seconds, reference in clips:
        runs = {"maas": [], "maas-int8": [], "fw-int8": [], "fw-float32": []}
        for _ in range(args.rounds):
            runs["maas"].append(run([MAAS, "transcribe", "--model", MODEL, path, "--format", "json"], env))
            runs["maas-int8"].append(run([MAAS, "transcribe", "--model", MODEL, path, "--format", "json", "--compute-type", "int8"], env))
            for kind in ["int8", "float32"]:
                runs[f"fw-{kind}"].append(run([sys.executable, "-c", FASTER_WHISPER, MODEL, path, kind]))
        row = {"clip": name, "audio_seconds": round(seconds, 1)}
        for who, results in runs.items():
            row[who] = {"wall_s": round(statistics.median(r[0] for r in results), 3),
                        "transcribe_s": round(statistics.median(r[2]["transcribe_seconds"] for r in results), 3),
                        "peak_mib": round(statistics.median(r[1] for r in results), 1),
                        "wer": round(wer(reference, results[0][2]["text"]), 4)}
        for kind in ["int8", "float32"]:
            row[f"speedup_vs_{kind}"] = round(row[f"fw-{kind}"]["wall_s"] / row["maas"]["wall_s"], 2)
            row[f"int8_speedup_vs_{kind}"] = round(row[f"fw-{kind}"]["wall_s"] / row["maas-int8"]["wall_s"], 2)
        rows.append(row)
        print(json.dumps(row), flush=True)
    print("\n| clip | compute | maas wall (transcribe) | faster-whisper wall (transcribe) | speed-up | WER maas / faster-whisper | peak MiB maas / faster-whisper |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        for kind, ours in [("float32", "maas"), ("int8", "maas-int8")]:
            m, t = r[ours], r[f"fw-{kind}"]
            print(f"| {r['clip']} ({r['audio_seconds']} s) | {kind} | {m['wall_s']} s ({m['transcribe_s']}) | {t['wall_s']} s ({t['transcribe_s']}) | "
                  f"{t['wall_s'] / m['wall_s']:.2f}× | {m['wer']:.3f} / {t['wer']:.3f} | {m['peak_mib']} / {t['peak_mib']} |")
    if args.wer_clips:
        wer_set(sentences, work, args.wer_clips, env)


if __name__ == "__main__":
    main()
