#!/usr/bin/env python3
"""Reference values for Tests/LanguageModelTests, from the reference libraries (run by hand
after scripts/fetch_models.sh; needs sentence-transformers, transformers and torch from PyPI):

  python3 scripts/make_llm_fixtures.py

Writes Fixtures/minilm.json: 20 varied sentences (Unicode, accents, CJK, emoji, numbers,
whitespace, punctuation, a long one), their token ids from Hugging Face's BertTokenizer and
their all-MiniLM-L6-v2 embeddings from sentence-transformers.
"""
import json, os
from sentence_transformers import SentenceTransformer
from transformers import BertTokenizer

ROOT = os.path.join(os.path.dirname(__file__), "..")
MODEL = os.path.join(ROOT, "models/all-minilm-l6-v2")
SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "A man is eating food.",
    "A man is eating a piece of bread.",
    "The new movie is awesome!!!",
    "Café déjà vu: naïve résumé, Ångström & façade.",
    "東京は日本の首都です。北京也是首都。",
    "Emoji test 🚀🔥 with smiley 😀 and flags 🇫🇷.",
    "Numbers: 3.14159, 2,718, -42, 1e10 and 100%.",
    "   leading and trailing   whitespace\tand\ttabs\nnewlines   ",
    "Don't split can't won't isn't — dashes – and “quotes”.",
    "UPPERCASE SHOUTING vs lowercase whispering",
    "email@example.com https://example.org/path?q=1&x=2",
    "Supercalifragilisticexpialidocious antidisestablishmentarianism",
    "Ünïcödé Ñandú straße ΑΒΓ δέλτα Привет мир",
    "a",
    "",
    "The weather today is sunny with a chance of rain in the evening.",
    "Machine learning models serve predictions over HTTP.",
    "Swift is a general-purpose programming language.",
    " ".join(["This sentence repeats to pass the 256 token limit."] * 40),
]

tokenizer = BertTokenizer(os.path.join(MODEL, "vocab.txt"), do_lower_case=True)
model = SentenceTransformer(MODEL, device="cpu")
embeddings = model.encode(SENTENCES, batch_size=32, normalize_embeddings=False, convert_to_numpy=True)
ids = [tokenizer(s, truncation=True, max_length=model.max_seq_length)["input_ids"] for s in SENTENCES]
fast = model.tokenizer(SENTENCES, truncation=True, max_length=model.max_seq_length)["input_ids"]
assert ids == fast, "slow and fast Hugging Face tokenizers disagree"
out = {"model": "sentence-transformers/all-MiniLM-L6-v2", "max_seq_length": model.max_seq_length,
       "sentences": SENTENCES, "token_ids": ids, "embeddings": [[round(float(v), 7) for v in e] for e in embeddings]}
path = os.path.join(ROOT, "Tests/LanguageModelTests/Fixtures/minilm.json")
with open(path, "w") as f:
    json.dump(out, f, ensure_ascii=False)
print(f"wrote {path}: {len(SENTENCES)} sentences, dim {embeddings.shape[1]}")
