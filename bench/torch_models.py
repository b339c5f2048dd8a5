#!/usr/bin/env python3
"""PyTorch side of bench/run.sh: trains the seed models on CPU with a fixed thread count and
prints one JSON line per measurement, so bench/run.sh can interleave it with SwiftMaaS runs.

  python3 bench/torch_models.py --model cnn --epochs 2 --threads 2 [--batch 32]
  python3 bench/torch_models.py --infer 32 --threads 2      # the CNN's inference, seconds per batch
Models: cnn (Fashion-MNIST, batch 128), mlp (784-512-256-10, batch 128),
lstm and gru (embedding(10000,64) -> rnn(64,seq) -> rnn(64) -> dense(1), batch 32, length 100),
transformer (embedding(10000,128) -> 2 post-norm encoder layers, 4 heads, feed-forward 512,
dropout 0.1 -> mean over positions -> dense(1), batch 32, length 128).
The same specs are in `maas bench train --model NAME` (Sources/maas/Bench.swift).
"""
import argparse, gzip, json, os, resource, struct, time
import numpy as np
import torch
import torch.nn as nn

FASHION = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion(split):
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(f"{FASHION}/{prefix}-images-idx3-ubyte.gz").astype(np.float32) / 255.0
    y = read_idx(f"{FASHION}/{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


def keras_init(module):
    # Keras defaults: glorot_uniform kernels, zero biases (PyTorch's own default differs).
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(),
        nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10))


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(),
                         nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))


class TextRNN(nn.Module):
    """embedding(10000,64) -> rnn(64, seq) -> rnn(64) -> dense(1), the cell an nn.LSTM or nn.GRU."""
    def __init__(self, cell):
        super().__init__()
        self.embedding = nn.Embedding(10000, 64)
        self.rnn1 = cell(64, 64, batch_first=True)
        self.rnn2 = cell(64, 64, batch_first=True)
        self.dense = nn.Linear(64, 1)

    def forward(self, x):
        h, _ = self.rnn1(self.embedding(x))
        h, _ = self.rnn2(h)
        return self.dense(h[:, -1, :]).squeeze(1)


class TextTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(10000, 128)
        layer = nn.TransformerEncoderLayer(128, 4, dim_feedforward=512, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.dense = nn.Linear(128, 1)

    def forward(self, x):
        return self.dense(self.encoder(self.embedding(x)).mean(1)).squeeze(1)


def synthetic_text(n, length, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(1, 10000, (n, length), generator=g)
    y = (x[:, :10].float().mean(1) > 5000).float()
    return x, y


def train_epoch(model, opt, loss_fn, x, y, batch):
    model.train()
    n = x.shape[0]
    perm = torch.randperm(n)
    start = time.perf_counter()
    for i in range(0, n, batch):
        idx = perm[i:i + batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model(x[i:i + 1000]).argmax(1) for i in range(0, x.shape[0], 1000)])
    return (pred == y).float().mean().item()


def infer(batch, images, rounds):
    """Seconds per batch of the seed CNN under torch.inference_mode(), median of rounds."""
    model = cnn()
    keras_init(model)
    model.eval()
    x, _ = fashion("test")
    batches = [x[i:i + batch] for i in range(0, images, batch)]
    times = []
    with torch.inference_mode():
        model(batches[0])
        for _ in range(rounds):
            start = time.perf_counter()
            for b in batches:
                model(b)
            times.append((time.perf_counter() - start) / len(batches))
    times.sort()
    return {"peer": "pytorch", "model": f"cnn-infer-b{batch}", "seconds": times[len(times) // 2], "batches": len(batches),
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=["cnn", "mlp", "lstm", "gru", "transformer"])
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=0, help="batch size (default: 128 for cnn and mlp, 32 for text)")
    p.add_argument("--samples", type=int, default=0, help="limit training samples (0 = all; text: 3200)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--infer", type=int, default=0, help="measure the CNN's inference at this batch size instead")
    p.add_argument("--images", type=int, default=2000)
    p.add_argument("--rounds", type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    if a.infer:
        print(json.dumps(infer(a.infer, a.images, a.rounds)), flush=True)
        return
    if a.model in ("lstm", "gru", "transformer"):
        x, y = synthetic_text(a.samples or 3200, 128 if a.model == "transformer" else 100, a.seed)
        model = TextTransformer() if a.model == "transformer" else TextRNN(nn.LSTM if a.model == "lstm" else nn.GRU)
        batch, loss_fn = a.batch or 32, nn.BCEWithLogitsLoss()
        xt = yt = None
    else:
        x, y = fashion("train")
        xt, yt = fashion("test")
        if a.samples:
            x, y = x[:a.samples], y[:a.samples]
        model = cnn() if a.model == "cnn" else mlp()
        keras_init(model)
        batch, loss_fn = a.batch or 128, nn.CrossEntropyLoss()
    name = f"{a.model}-b{a.batch}" if a.batch else a.model
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(a.epochs):
        seconds = train_epoch(model, opt, loss_fn, x, y, batch)
        row = {"peer": "pytorch", "model": name, "epoch": epoch + 1, "seconds": seconds,
               "samples": x.shape[0], "samples_per_s": x.shape[0] / seconds}
        if xt is not None:
            row["test_accuracy"] = accuracy(model, xt, yt)
        row["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
