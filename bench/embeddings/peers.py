#!/usr/bin/env python3
"""Peers of `maas bench embed`: all-MiniLM-L6-v2 embeddings per second at a batch size, through
sentence-transformers (PyTorch CPU) and ONNX Runtime (the model exported with torch.onnx,
mean pooling and L2 normalisation in numpy). One JSON line per peer.

  python3 bench/embeddings/peers.py --sentences FILE --batch 32 --threads 2 --peer torch|onnx
"""
import argparse, json, os, resource, time
import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--model", default="models/all-minilm-l6-v2")
parser.add_argument("--sentences", required=True)
parser.add_argument("--batch", type=int, default=32)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--passes", type=int, default=3)
parser.add_argument("--peer", choices=["torch", "onnx"], required=True)
args = parser.parse_args()
lines = [l for l in open(args.sentences).read().splitlines() if l]

import torch
torch.set_num_threads(args.threads)
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(args.model, device="cpu")

if args.peer == "torch":
    def embed(batch):
        return model.encode(batch, batch_size=len(batch), convert_to_numpy=True)
else:
    import onnxruntime as ort
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "out", "minilm.onnx")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if not os.path.exists(path):
        class Encoder(torch.nn.Module):
            def __init__(self, bert):
                super().__init__()
                self.bert = bert
            def forward(self, input_ids, attention_mask, token_type_ids):
                return self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
        bert = Encoder(model[0].auto_model.eval())
        dummy = model.tokenizer(["hello world"], return_tensors="pt")
        torch.onnx.export(bert, (dummy["input_ids"], dummy["attention_mask"], dummy["token_type_ids"]), path,
                          input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
                          dynamic_axes={n: {0: "batch", 1: "sequence"} for n in ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]},
                          opset_version=17, dynamo=False)
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    def embed(batch):
        tokens = model.tokenizer(batch, padding=True, truncation=True, max_length=model.max_seq_length, return_tensors="np")
        hidden = session.run(None, {k: tokens[k].astype(np.int64) for k in ["input_ids", "attention_mask", "token_type_ids"]})[0]
        mask = tokens["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

rates = []
for p in range(args.passes):
    start = time.perf_counter()
    for i in range(0, len(lines), args.batch):
        embed(lines[i:i + args.batch])
    seconds = time.perf_counter() - start
    if p > 0:
        rates.append(len(lines) / seconds)
print(json.dumps({"peer": "sentence-transformers" if args.peer == "torch" else "onnxruntime", "sentences": len(lines), "batch": args.batch,
                  "embeddings_per_s": sorted(rates)[len(rates) // 2],
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
