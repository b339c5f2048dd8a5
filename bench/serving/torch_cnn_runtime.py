"""MLServer custom runtime serving the SwiftMaaS Fashion-MNIST CNN with PyTorch: the same weights
(read from the artifact's weights.safetensors) and the same NHWC input, so both servers compute
the same function. Used by bench/serving/run.sh."""
import json, struct
import numpy as np
import torch
import torch.nn as nn
from mlserver import MLModel
from mlserver.codecs import NumpyCodec
from mlserver.types import InferenceRequest, InferenceResponse


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[start:end], dtype=np.float32).reshape(entry["shape"]).copy())
    return out


class CNN(nn.Module):
    """conv(32)-pool-conv(64)-pool-conv(64)-dense(64)-dense(10) on NHWC input, weights in SwiftMaaS layout."""

    def __init__(self, w):
        super().__init__()
        self.convs = nn.ModuleList()
        self.dense = nn.ModuleList()
        for i in sorted({int(k.split(".")[1]) for k in w}):
            weight, bias = w[f"layers.{i}.weight"], w[f"layers.{i}.bias"]
            if weight.dim() == 4:  # HWIO -> OIHW
                conv = nn.Conv2d(weight.shape[2], weight.shape[3], weight.shape[0])
                conv.weight.data = weight.permute(3, 2, 0, 1).contiguous()
                conv.bias.data = bias
                self.convs.append(conv)
            else:  # [in, out] -> [out, in]
                linear = nn.Linear(weight.shape[0], weight.shape[1])
                linear.weight.data = weight.t().contiguous()
                linear.bias.data = bias
                self.dense.append(linear)

    def forward(self, x):
        x = x.permute(0, 3, 1, 2)
        for i, conv in enumerate(self.convs):
            x = torch.relu(conv(x))
            if i < len(self.convs) - 1:
                x = torch.max_pool2d(x, 2)
        x = x.permute(0, 2, 3, 1).flatten(1)  # flatten in NHWC order, as SwiftMaaS does
        x = torch.relu(self.dense[0](x))
        return torch.softmax(self.dense[1](x), dim=1)


class TorchCNN(MLModel):
    async def load(self) -> bool:
        torch.set_num_threads(int(self.settings.parameters.extra.get("threads", 2)))
        self.model = CNN(read_safetensors(self.settings.parameters.uri)).eval()
        return True

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        x = NumpyCodec.decode_input(payload.inputs[0]).astype(np.float32).reshape(-1, 28, 28, 1)
        with torch.inference_mode():
            probabilities = self.model(torch.from_numpy(x)).numpy()
        return InferenceResponse(model_name=self.name, outputs=[NumpyCodec.encode_output("probabilities", probabilities)])
