#!/usr/bin/env python3
"""Opacus side of bench/privacy/dp_train.sh: the seed CNN and MLP on Fashion-MNIST with DP-SGD at
a target epsilon, the same recipe SwiftMaaS trains (Keras initialisation, Adam lr 1e-3, batch 128
as the expected Poisson batch, max_grad_norm 1, delta 1e-5, the noise multiplier chosen by the
RDP accountant for the whole run). One JSON line per epoch: seconds, test accuracy, spent epsilon.

  pip install torch==2.13.0 opacus==1.6.0
  python3 bench/privacy/opacus_models.py --model cnn --epochs 5 --epsilon 3 --threads 2
"""
import argparse, json, os, resource, sys, time, warnings

import torch
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from torch_models import accuracy, cnn, fashion, keras_init, mlp  # noqa: E402

warnings.simplefilter("ignore")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=["cnn", "mlp"], required=True)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--epsilon", type=float, default=3.0)
    p.add_argument("--delta", type=float, default=1e-5)
    p.add_argument("--max-grad-norm", type=float, default=1.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    from opacus import PrivacyEngine

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x, y = fashion("train")
    xt, yt = fashion("test")
    model = cnn() if a.model == "cnn" else mlp()
    keras_init(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = DataLoader(TensorDataset(x, y), batch_size=128, shuffle=True)
    engine = PrivacyEngine(accountant="rdp")
    model, optimizer, loader = engine.make_private_with_epsilon(
        module=model, optimizer=optimizer, data_loader=loader, target_epsilon=a.epsilon, target_delta=a.delta,
        epochs=a.epochs, max_grad_norm=a.max_grad_norm, poisson_sampling=True)
    loss_fn = torch.nn.CrossEntropyLoss()
    for epoch in range(a.epochs):
        model.train()
        start = time.perf_counter()
        for xb, yb in loader:
            if len(xb) == 0:
                continue
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(xb), yb).backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        print(json.dumps({"peer": "opacus", "model": a.model, "epoch": epoch + 1, "seconds": seconds,
                          "test_accuracy": accuracy(model, xt, yt), "epsilon": engine.get_epsilon(a.delta),
                          "noise_multiplier": optimizer.noise_multiplier,
                          "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)


if __name__ == "__main__":
    main()
