#!/usr/bin/env python3
"""Concurrent transcriptions: four different ~30 s clips at once, SwiftMaaS with its decoder
steps batched across them against the same four one after another, and against faster-whisper
on the same weights transcribing them from four threads (CTranslate2 int8 and float32; 2 workers
of 1 thread each, and 1 worker of 2 threads, whichever is faster counts). Two cores in all.

  /tmp/fwvenv/bin/python bench/speech/batched.py [--rounds 3]

Each run is a fresh process (model load included), timed for wall time; rounds interleave the
runs and report medians. Word error rate is over the four clips against their sentences.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import MAAS, MODEL, clip, wer  # noqa: E402

FASTER_WHISPER = """
import json, sys, time
from concurrent.futures import ThreadPoolExecutor
from faster_whisper import WhisperModel
started = time.time()
workers, threads = int(sys.argv[3]), int(sys.argv[4])
model = WhisperModel(sys.argv[1], device="cpu", compute_type=sys.argv[2], cpu_threads=threads, num_workers=workers)
loaded = time.time()
def transcribe(path):
    segments, _ = model.transcribe(path, beam_size=1, vad_filter=False)
    return "".join(s.text for s in segments).strip()
with ThreadPoolExecutor(len(sys.argv) - 5) as pool:
    texts = list(pool.map(transcribe, sys.argv[5:]))
for text in texts: print(json.dumps({"text": text}))
"""


def timed(command, env=None):
    started = time.time()
    out = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    texts = [json.loads(line)["text"] for line in out.stdout.splitlines() if line.startswith("{")]
    return time.time() - started, texts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sentences = [s.strip() for s in open(os.path.join(os.path.dirname(__file__), "sentences.txt")) if s.strip()]
    work = tempfile.mkdtemp()
    paths, references, audio = [], [], 0.0
    for k in range(4):
        path = os.path.join(work, f"clip{k}.wav")
        chosen = sentences[7 * k:7 * k + 7]
        audio += clip(chosen, path, 160)
        paths.append(path)
        references.append(" ".join(chosen))
    env = dict(os.environ, MAAS_THREADS="2")
    runs = {"maas together": [MAAS, "transcribe", "--model", MODEL, "--format", "json"] + paths,
            "maas one by one": [MAAS, "transcribe", "--model", MODEL, "--format", "json", "--sequential"] + paths}
    for kind in ["int8", "float32"]:
        for workers, threads in [(2, 1), (1, 2)]:
            runs[f"fw {kind} {workers}x{threads}"] = [sys.executable, "-c", FASTER_WHISPER, MODEL, kind, str(workers), str(threads)] + paths
    results = {name: [] for name in runs}
    for _ in range(args.rounds):
        for name, command in runs.items():
            results[name].append(timed(command, env))
    rows = {}
    for name, rs in results.items():
        texts = rs[0][1]
        rows[name] = {"wall_s": round(statistics.median(r[0] for r in rs), 3),
                      "wer": round(statistics.mean(wer(ref, text) for ref, text in zip(references, texts)), 4)}
        print(json.dumps({name: rows[name]}), flush=True)
    ours = rows["maas together"]["wall_s"]
    print(f"\n4 clips, {audio:.1f} s of audio in all, 2 cores")
    print("| run | wall (s) | maas together is faster by | WER |")
    print("|---|---|---|---|")
    for name, row in rows.items():
        print(f"| {name} | {row['wall_s']} | {row['wall_s'] / ours:.2f}× | {row['wer']:.3f} |")


if __name__ == "__main__":
    main()
