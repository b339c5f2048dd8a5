#!/usr/bin/env python3
"""llama.cpp's side of bench/llm/run.sh: the same GGUF, prompt length and greedy decode length
through llama-cpp-python (built from source), at a thread count. One JSON line."""
import argparse, json, resource, time
import numpy as np
from llama_cpp import Llama

parser = argparse.ArgumentParser()
parser.add_argument("--model", default="models/smollm2-135m-instruct-q4_1.gguf")
parser.add_argument("--prompt", default="The history of the city is long and full of surprises. ")
parser.add_argument("--prompt-tokens", type=int, default=128)
parser.add_argument("--decode-tokens", type=int, default=128)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()
llm = Llama(model_path=args.model, n_ctx=args.prompt_tokens + args.decode_tokens + 8, n_threads=args.threads,
            n_threads_batch=args.threads, n_batch=512, verbose=False)
ids = []
while len(ids) < args.prompt_tokens:
    ids += llm.tokenize(args.prompt.encode(), add_bos=False)
ids = ids[:args.prompt_tokens]
start = time.perf_counter()
llm.eval(ids)
prefill = time.perf_counter() - start
start = time.perf_counter()
for _ in range(args.decode_tokens):
    llm.eval([int(np.argmax(llm.scores[llm.n_tokens - 1]))])
decode = time.perf_counter() - start
print(json.dumps({"peer": "llama.cpp", "prompt_tokens": args.prompt_tokens, "prompt_tokens_per_s": args.prompt_tokens / prefill,
                  "decode_tokens": args.decode_tokens, "decode_tokens_per_s": args.decode_tokens / decode,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
