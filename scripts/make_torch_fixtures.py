#!/usr/bin/env python3
"""Writes the PyTorch reference fixtures the Swift tests compare against (run by hand, not CI).

  pip install torch==2.13.0 safetensors && python3 scripts/make_torch_fixtures.py

For dense, conv2d, lstm and gru it stores, in one safetensors file per case: the input, the
layer's weights in SwiftMaaS layout (Keras: dense [in, out], conv [KH, KW, C, F], recurrent
kernels [F, G*H] with PyTorch's gate order), the forward output, a fixed output-gradient seed
`seed` (the loss is sum(output * seed)), the gradients, and the weights after one Adam step
(lr 0.01, eps 1e-8). It also writes a safetensors file through the Python library so the Swift
writer can be compared byte for byte.
"""
import os
import numpy as np
import torch
from safetensors.numpy import save_file

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "NeuralNetTests", "Fixtures")
torch.manual_seed(1234)
LR, EPS = 0.01, 1e-8


def export(name, module, x_swift, to_torch_input, from_torch_output, params):
    """params: list of (swift_name, torch_parameter, to_swift) with to_swift mapping torch layout -> ours."""
    x = to_torch_input(x_swift.clone()).requires_grad_(True)
    y = module(x)
    if isinstance(y, tuple):
        y = y[0]
    y_swift = from_torch_output(y)
    seed = torch.randn_like(y_swift)
    loss = (y_swift * seed).sum()
    opt = torch.optim.Adam([p for _, p, _ in params], lr=LR, eps=EPS)
    opt.zero_grad()
    loss.backward()
    tensors = {"input": x_swift, "output": y_swift.detach(), "seed": seed}
    grad_input = x.grad
    for swift_name, p, to_swift in params:
        tensors[f"p.{swift_name}"] = to_swift(p.detach().clone())
        tensors[f"g.{swift_name}"] = to_swift(p.grad.detach().clone())
    opt.step()
    for swift_name, p, to_swift in params:
        tensors[f"a.{swift_name}"] = to_swift(p.detach().clone())
    tensors["g.input"] = to_swift_input_grad(grad_input, x_swift, to_torch_input)
    save_file({k: v.contiguous().numpy().astype(np.float32) for k, v in tensors.items()},
              os.path.join(OUT, f"torch_{name}.safetensors"))


def to_swift_input_grad(grad, x_swift, to_torch_input):
    # Inverse of the input permutation: NCHW -> NHWC for images, identity otherwise.
    if grad.dim() == 4:
        return grad.permute(0, 2, 3, 1)
    return grad


def identity(t):
    return t


def dense():
    m = nn.Linear(5, 3)
    x = torch.randn(4, 5)
    export("dense", m, x, identity, identity,
           [("weight", m.weight, lambda t: t.t()), ("bias", m.bias, identity)])


def conv(name, stride, padding):
    m = nn.Conv2d(3, 4, 3, stride=stride, padding=padding)
    x = torch.randn(2, 7, 7, 3)  # NHWC
    export(name, m, x, lambda t: t.permute(0, 3, 1, 2), lambda y: y.permute(0, 2, 3, 1),
           [("weight", m.weight, lambda t: t.permute(2, 3, 1, 0)), ("bias", m.bias, identity)])


def lstm():
    m = nn.LSTM(4, 6, batch_first=True)
    # One bias in SwiftMaaS (Keras); PyTorch's second bias is zeroed and frozen so the Adam step matches.
    with torch.no_grad():
        m.bias_hh_l0.zero_()
    m.bias_hh_l0.requires_grad_(False)
    x = torch.randn(3, 5, 4)
    export("lstm", m, x, identity, identity,
           [("kernel", m.weight_ih_l0, lambda t: t.t()), ("recurrent_kernel", m.weight_hh_l0, lambda t: t.t()),
            ("bias", m.bias_ih_l0, identity)])


def gru():
    m = nn.GRU(4, 6, batch_first=True)
    x = torch.randn(3, 5, 4)
    export("gru", m, x, identity, identity,
           [("kernel", m.weight_ih_l0, lambda t: t.t()), ("recurrent_kernel", m.weight_hh_l0, lambda t: t.t()),
            ("bias", m.bias_ih_l0, identity), ("recurrent_bias", m.bias_hh_l0, identity)])


def safetensors_bytes():
    rng = np.random.default_rng(7)
    save_file({"layers.0.weight": rng.standard_normal((3, 4)).astype(np.float32),
               "layers.0.bias": rng.standard_normal((4,)).astype(np.float32),
               "layers.10.running_var": rng.standard_normal((2, 2, 2)).astype(np.float32)},
              os.path.join(OUT, "python_written.safetensors"), metadata={"format": "pt"})


if __name__ == "__main__":
    import torch.nn as nn
    globals()["nn"] = nn
    os.makedirs(OUT, exist_ok=True)
    dense()
    conv("conv2d_valid_stride2", 2, 0)
    conv("conv2d_same", 1, "same")
    lstm()
    gru()
    safetensors_bytes()
    print("wrote fixtures to", os.path.abspath(OUT))
