#!/usr/bin/env python3
"""Writes the differential-privacy fixtures the Swift tests compare against (run by hand, not CI).

  pip install torch==2.13.0 opacus==1.6.0 safetensors && python3 scripts/make_privacy_fixtures.py

- opacus_accountant.json: Opacus' RDP accountant: epsilon for (sample rate, noise multiplier,
  steps, delta) and get_noise_multiplier for (target epsilon, delta, sample rate, epochs).
- dp_clipped_gradients.safetensors: a small CNN (conv 3x3 valid, 4 filters, ReLU, max-pool 2,
  flatten, dense 3) on 6 images: the weights in SwiftMaaS layout, each example's gradient norm
  and the sum of the clipped per-example gradients (Opacus' clip factor
  min(1, C / (norm + 1e-6))), from PyTorch's per-example backward passes.
"""
import json
import os
import warnings

import numpy as np
import torch
from opacus.accountants import RDPAccountant
from opacus.accountants.utils import get_noise_multiplier
from safetensors.numpy import save_file

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "NeuralNetTests", "Fixtures")
warnings.simplefilter("ignore")


def accountant_cases():
    spent = []
    for q, sigma, steps, delta in [(0.01, 1.0, 1000, 1e-5), (1 / 469, 1.1, 4690, 1e-5), (0.004, 0.6, 10000, 1e-5),
                                   (0.05, 2.0, 200, 1e-6), (0.1, 0.8, 50, 1e-3), (1 / 235, 4.0, 2350, 1e-5),
                                   (0.5, 5.0, 100, 1e-5), (0.002, 0.9, 30000, 1e-7)]:
        accountant = RDPAccountant()
        accountant.history = [(sigma, q, steps)]
        eps, alpha = accountant.get_privacy_spent(delta=delta)
        spent.append({"sample_rate": q, "noise_multiplier": sigma, "steps": steps, "delta": delta, "epsilon": eps, "order": alpha})
    multipliers = []
    for eps, delta, q, epochs in [(3.0, 1e-5, 1 / 469, 5), (3.0, 1e-5, 1 / 235, 10), (1.0, 1e-5, 0.01, 3), (8.0, 1e-6, 0.02, 20),
                                  (0.5, 1e-5, 0.001, 2), (10.0, 1e-3, 0.1, 1)]:
        sigma = get_noise_multiplier(target_epsilon=eps, target_delta=delta, sample_rate=q, epochs=epochs, accountant="rdp")
        multipliers.append({"target_epsilon": eps, "delta": delta, "sample_rate": q, "epochs": epochs,
                            "steps": int(epochs / q), "noise_multiplier": sigma})
    with open(os.path.join(OUT, "opacus_accountant.json"), "w") as f:
        json.dump({"opacus": "1.6.0", "epsilon": spent, "noise_multiplier": multipliers}, f, indent=1)


def clipped_gradients():
    torch.manual_seed(7)
    conv = torch.nn.Conv2d(1, 4, 3)
    dense = torch.nn.Linear(2 * 2 * 4, 3)
    x = torch.randn(6, 1, 6, 6)
    labels = torch.tensor([0, 1, 2, 1, 0, 2])
    clip = 2.3

    def forward(batch):
        h = torch.nn.functional.max_pool2d(torch.relu(conv(batch)), 2)
        return dense(h.permute(0, 2, 3, 1).flatten(1))  # NHWC flatten order, as SwiftMaaS flattens

    params = [conv.weight, conv.bias, dense.weight, dense.bias]
    per_example = []
    for i in range(6):
        loss = torch.nn.functional.cross_entropy(forward(x[i:i + 1]), labels[i:i + 1])
        per_example.append(torch.autograd.grad(loss, params))
    norms = torch.stack([torch.sqrt(sum((g ** 2).sum() for g in grads)) for grads in per_example])
    factors = (clip / (norms + 1e-6)).clamp(max=1.0)
    summed = [sum(factors[i] * per_example[i][p] for i in range(6)) for p in range(4)]
    to_np = lambda t: np.ascontiguousarray(t.detach().numpy().astype(np.float32))
    save_file({
        "input": to_np(x.permute(0, 2, 3, 1)), "labels": to_np(labels.float()), "max_grad_norm": np.array([clip], np.float32),
        "conv.weight": to_np(conv.weight.permute(2, 3, 1, 0)), "conv.bias": to_np(conv.bias),
        "dense.weight": to_np(dense.weight.t()), "dense.bias": to_np(dense.bias),
        "norms": to_np(norms),
        "clipped.conv.weight": to_np(summed[0].permute(2, 3, 1, 0)), "clipped.conv.bias": to_np(summed[1]),
        "clipped.dense.weight": to_np(summed[2].t()), "clipped.dense.bias": to_np(summed[3]),
    }, os.path.join(OUT, "dp_clipped_gradients.safetensors"))


if __name__ == "__main__":
    accountant_cases()
    clipped_gradients()
    print("wrote", os.path.abspath(OUT))
