#!/usr/bin/env python3
"""Reference values for the SmolLM2 tests (run by hand after scripts/fetch_models.sh):

  CMAKE_ARGS="-DGGML_NATIVE=ON" pip install llama-cpp-python   # builds llama.cpp from source
  pip install transformers accelerate gguf torch==2.13.0
  python3 scripts/make_llama_fixtures.py

Writes Tests/LanguageModelTests/Fixtures/smollm2.json:
- token ids of varied texts from llama.cpp's tokenizer (special tokens parsed);
- for three prompts, the 40 largest next-token logits and 32 greedy tokens from llama.cpp, and
  the same from Hugging Face transformers running the GGUF's dequantized weights in Float32,
  which is the exact arithmetic SmolLM2 does (llama.cpp rounds activations to 8 bits for its
  dot products and keeps the KV cache in F16, which moves logits by up to ~0.8).
"""
import json, os
import numpy as np
from llama_cpp import Llama

ROOT = os.path.join(os.path.dirname(__file__), "..")
MODEL = os.path.join(ROOT, "models/smollm2-135m-instruct-q4_1.gguf")
llm = Llama(model_path=MODEL, n_ctx=512, n_threads=2, logits_all=True, verbose=False)

TEXTS = [
    "Hello world",
    "The quick brown fox jumps over the lazy dog.",
    "  leading spaces, trailing spaces   ",
    "Numbers 1234567 and 3.14159, -42, 1e10.",
    "Café déjà vu, naïve résumé — Ångström",
    "東京は日本の首都です。",
    "Emoji 🚀🔥😀 and flags 🇫🇷!",
    "Tabs\tand\nnewlines\n\n\nend",
    "don't can't won't I'm you're they've we'll he'd",
    "def f(x):\n    return x ** 2  # square",
    "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n",
    "MixedCASE camelCase snake_case kebab-case SCREAMING_CASE",
    "https://example.com/path?query=1&other=two#fragment",
    "Ünïcödé Ñandú straße ΑΒΓ δέλτα Привет мир",
    "",
]
CHAT = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\n{}<|im_end|>\n<|im_start|>assistant\n"
PROMPTS = [CHAT.format("What is the capital of France?"), "Once upon a time", CHAT.format("Write a haiku about the sea.")]

tokens = [llm.tokenize(t.encode(), add_bos=False, special=True) if t else [] for t in TEXTS]
cases = []
for prompt in PROMPTS:
    ids = llm.tokenize(prompt.encode(), add_bos=False, special=True)
    llm.reset()
    llm.eval(ids)
    logits = np.array(llm.scores[len(ids) - 1], dtype=np.float64)
    top = np.argsort(-logits)[:40]
    generated = []
    for _ in range(32):
        token = int(np.argmax(llm.scores[llm.n_tokens - 1]))
        generated.append(token)
        if token == llm.token_eos():
            break
        llm.eval([token])
    cases.append({"prompt": prompt, "prompt_ids": ids, "top_ids": [int(i) for i in top],
                  "top_logits": [round(float(logits[i]), 5) for i in top], "greedy": generated})
import torch
from transformers import AutoModelForCausalLM
exact = AutoModelForCausalLM.from_pretrained(os.path.join(ROOT, "models"), gguf_file="smollm2-135m-instruct-q4_1.gguf", dtype=torch.float32).eval()
for case in cases:
    ids = torch.tensor([case["prompt_ids"]])
    with torch.no_grad():
        logits = exact(ids).logits[0, -1].double().numpy()
        generated = exact.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=32, do_sample=False)[0, ids.shape[1]:].tolist()
    top = np.argsort(-logits)[:40]
    case["float32"] = {"top_ids": [int(i) for i in top], "top_logits": [round(float(logits[i]), 5) for i in top], "greedy": generated}
out = {"model": "SmolLM2-135M-Instruct.Q4_1.gguf", "texts": TEXTS, "token_ids": tokens, "cases": cases}
path = os.path.join(ROOT, "Tests/LanguageModelTests/Fixtures/smollm2.json")
with open(path, "w") as f:
    json.dump(out, f, ensure_ascii=False)
print(f"wrote {path}")
for c in cases:
    print(repr(llm.detokenize(c["greedy"]).decode(errors="replace")))
