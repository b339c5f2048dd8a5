#!/usr/bin/env python3
"""Reference token ids for the pre-tokenizers other GGUF families use (run by hand after
scripts/fetch_models.sh; pip install llama-cpp-python gguf):

  python3 scripts/make_pretokenizer_fixtures.py

SmolLM2's vocabulary and merges stand in for each family's own: a copy of the GGUF with
`tokenizer.ggml.pre` rewritten (gguf's gguf_new_metadata) makes llama.cpp split text with that
family's pattern before the same merges run, so the ids test the pre-tokenizer alone. SmolLM2
never merges digits, so the ids cannot tell Llama 3's runs of up to three digits from Qwen2's
single digits: the pieces each family's pattern (as llama.cpp writes it) cuts the texts into,
from the `regex` module, are kept too. Writes Tests/LanguageModelTests/Fixtures/pretokenizers.json:
{"texts": [...], "ids": {pre: [[id, ...], ...]}, "pieces": {pre: [[piece, ...], ...]}}.
"""
import json, os, subprocess, sys, tempfile
import regex
from llama_cpp import Llama

ROOT = os.path.join(os.path.dirname(__file__), "..")
MODEL = os.path.join(ROOT, "models/smollm2-135m-instruct-q4_1.gguf")
TEXTS = [
    "Hello world",
    "The quick brown fox jumps over the lazy dog.",
    "  leading spaces, trailing spaces   ",
    "Numbers 1234567 and 3.14159, -42, 1e10, 12345678901.",
    "Café déjà vu, naïve résumé — Ångström",
    "東京は日本の首都です。",
    "Emoji 🚀🔥😀 and flags 🇫🇷!",
    "Tabs\tand\nnewlines\n\n\nend",
    "don't can't won't I'm you're they've we'll he'd",
    "DON'T CAN'T I'M YOU'RE THEY'VE WE'LL HE'D 'S",
    "def f(x):\n    return x ** 2  # square",
    "MixedCASE camelCase snake_case kebab-case SCREAMING_CASE",
    "https://example.com/path?query=1&other=two#fragment",
    "Ünïcödé Ñandú straße ΑΒΓ δέλτα Привет мир",
    "Windows\r\nline\r\n\r\nendings \r\n  indented",
    "  \n  \n  x  \t y\t\t\n",
    "!!!hello ...world?! (parens) [brackets] {braces}\n\n",
    "a1b22c333d4444e55555 ٣٤٥ Ⅻ ½",
    "'quoted' \"double\" `tick` 'sup 'Ll",
    "x\u00a0y\u2003z \u3000end",
    "",
]
PRE = ["llama-bpe", "qwen2", "gpt-2"]
# llama.cpp's patterns (src/llama-vocab.cpp) for LLAMA_VOCAB_PRE_TYPE_LLAMA3, _QWEN2 and _GPT2.
PATTERNS = {
    "llama-bpe": r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
    "qwen2": r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
    "gpt-2": r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+",
}

ids = {}
with tempfile.TemporaryDirectory() as work:
    for pre in PRE:
        path = os.path.join(work, f"{pre}.gguf")
        subprocess.run([sys.executable, "-m", "gguf.scripts.gguf_new_metadata", MODEL, path, "--pre-tokenizer", pre, "--force"],
                       check=True, capture_output=True)
        llm = Llama(model_path=path, vocab_only=True, verbose=False)
        ids[pre] = [llm.tokenize(t.encode(), add_bos=False, special=False) if t else [] for t in TEXTS]
        del llm
        os.remove(path)
pieces = {pre: [regex.findall(pattern, t) for t in TEXTS] for pre, pattern in PATTERNS.items()}
for pre in PRE:
    assert all("".join(p) == t for p, t in zip(pieces[pre], TEXTS)), f"{pre} pieces do not cover the texts"
# The families split these texts differently (else the fixture would test nothing).
assert ids["llama-bpe"] != ids["gpt-2"] and pieces["llama-bpe"] != pieces["qwen2"]
out = os.path.join(ROOT, "Tests/LanguageModelTests/Fixtures/pretokenizers.json")
with open(out, "w") as f:
    json.dump({"texts": TEXTS, "ids": ids, "pieces": pieces}, f, ensure_ascii=False, indent=1)
print("wrote", out)
