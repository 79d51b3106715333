"""Fixtures for packages/nn/src/io (safetensors reader/writer) and the whole-model parity test.

Every file is written by the reference writer ../shared/reference/safetensors_io.py:
  io/__fixtures__/reference-dtypes.safetensors   F32/F64/I64/I32/U8/BOOL, scalar, empty, metadata
  io/__fixtures__/iris-state.safetensors         IrisMLP state_dict (bytes nnkit's writer must reproduce)
  io/__fixtures__/bn-state.safetensors           BatchNorm1d(3) state_dict (int64 num_batches_tracked)
  __fixtures__/lenet-state-0000{1,2}.safetensors LeNet state_dict sharded in two files (< 200 KB each)
  __fixtures__/lenet-io.safetensors              in.x / out.eval / grad.in.x of LeNet (loss sum(out * in.r))
  __fixtures__/lenet-grad-0000{1,2}.safetensors  grad.w.* of LeNet, sharded (< 200 KB each)
  __fixtures__/iris-io.safetensors               in.x / out.eval / grad.in.x / grad.w.* of IrisMLP
  containers/__fixtures__/containers.safetensors  a model using every container (keys in config)
"""
import json
import os
from collections import OrderedDict

import torch

import common
from safetensors_io import load, save
from small import IrisMLP, LeNet

IO = "packages/nn/src/io"
NN = "packages/nn/src"


def path(rel, name):
    return os.path.join(common.fixture_dir(rel), name + ".safetensors")


class Containers(torch.nn.Module):
    """Every container, edited after construction; `tail` shares two modules of `features`."""

    def __init__(self):
        super().__init__()
        nn = torch.nn
        self.features = nn.Sequential(nn.Linear(2, 3), nn.ReLU(),
                                      nn.Sequential(OrderedDict([("fc", nn.Linear(3, 4)), ("act", nn.Tanh())])))
        self.features.append(nn.Linear(4, 5))
        self.features.insert(1, nn.Linear(3, 3))
        self.features.pop(2)  # the ReLU; keys renumbered 0..3
        self.blocks = nn.ModuleList([nn.Linear(5, 5), nn.Linear(5, 5)])
        self.blocks.insert(0, nn.Linear(5, 5))
        self.blocks.extend([nn.Linear(5, 5)])
        self.blocks.pop(1)
        self.heads = nn.ModuleDict({"z": nn.Linear(5, 2), "a": nn.Linear(5, 1)})
        self.heads["m"] = nn.Linear(5, 3)
        self.heads.update({"q": nn.Linear(5, 1), "b": nn.Linear(5, 2)})
        self.scales = nn.ParameterList([nn.Parameter(torch.randn(5)), nn.Parameter(torch.randn(5))])
        self.scales.append(nn.Parameter(torch.randn(5)))
        self.gains = nn.ParameterDict({"b": nn.Parameter(torch.randn(1)), "a": nn.Parameter(torch.randn(1))})
        self.gains.update({"d": nn.Parameter(torch.randn(1)), "c": nn.Parameter(torch.randn(1))})
        self.tail = self.features[1:3]

    def forward(self, x):
        h = self.features(x)
        for i, b in enumerate(self.blocks):
            h = torch.relu(b(h)) * self.scales[i]
        out = torch.cat([m(h) for m in self.heads.values()], 1) * (self.gains["a"] + self.gains["d"])
        return torch.cat([out, self.tail(self.features[0](x))], 1)


def main():
    g = torch.Generator().manual_seed(1234)

    # --- dtypes written by the reference writer (not narrowed like common.write does)
    dt = {
        "f32": torch.randn(2, 3, generator=g),
        "f64": torch.randn(4, generator=g, dtype=torch.float64),
        "i64": torch.tensor([[0, -1], [2147483647, -2147483648], [7, 42]], dtype=torch.int64),
        "i32": torch.tensor([1, -2, 3], dtype=torch.int32),
        "u8": torch.tensor([0, 1, 255], dtype=torch.uint8),
        "mask": torch.tensor([[True, False], [False, True]]),
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
    }
    save(dt, path(IO, "reference-dtypes"), metadata={"format": "pt", "note": "nnkit gen_io"})
    expect = {k: (v.double().flatten().tolist() if v.dtype != torch.bool else v.int().flatten().tolist()) for k, v in dt.items()}
    with open(os.path.join(common.fixture_dir(IO), "reference-dtypes.json"), "w") as f:
        json.dump({k: {"shape": list(dt[k].shape), "values": v} for k, v in expect.items()}, f)

    # --- IrisMLP
    torch.manual_seed(0)
    iris = IrisMLP().eval()
    with torch.no_grad():  # non-trivial weights, not N(0, 0.01)
        for p in iris.parameters():
            p.uniform_(-1, 1, generator=g)
    save(iris.state_dict(), path(IO, "iris-state"))
    x = torch.randn(5, 4, generator=g).requires_grad_(True)
    out = iris(x)
    r = torch.randn(out.shape, generator=g)
    (out * r).sum().backward()
    common.write(NN, "iris-io", {"in.x": x, "in.r": r, "out.eval": out, "grad.in.x": x.grad, **common.grads(iris)},
                 {"model": "IrisMLP", "args": [4, 6, 3], "loss": "sum(out * in.r)"})

    # --- BatchNorm1d state (num_batches_tracked is int64 in PyTorch)
    bn = torch.nn.BatchNorm1d(3)
    bn.train()
    bn(torch.randn(4, 3, generator=g))
    bn(torch.randn(4, 3, generator=g))
    save(bn.state_dict(), path(IO, "bn-state"))

    # --- LeNet, sharded state dict (like model-00001-of-00002.safetensors)
    torch.manual_seed(1)
    lenet = LeNet().eval()
    sd = lenet.state_dict()
    assert sum(p.numel() for p in lenet.parameters()) == 61706
    shard2 = {k: v for k, v in sd.items() if k.startswith("fc1.")}
    shard1 = {k: v for k, v in sd.items() if not k.startswith("fc1.")}
    save(shard1, path(NN, "lenet-state-00001"))
    save(shard2, path(NN, "lenet-state-00002"))
    x = torch.randn(2, 1, 32, 32, generator=g).requires_grad_(True)
    out = lenet(x)
    r = torch.randn(out.shape, generator=g)
    (out * r).sum().backward()
    common.write(NN, "lenet-io", {"in.x": x, "in.r": r, "out.eval": out, "grad.in.x": x.grad},
                 {"model": "LeNet", "params": 61706, "shards": ["lenet-state-00001", "lenet-state-00002"],
                  "loss": "sum(out * in.r)", "grad_shards": ["lenet-grad-00001", "lenet-grad-00002"]})
    gw = common.grads(lenet)
    common.write(NN, "lenet-grad-00001", {k: v for k, v in gw.items() if not k.startswith("grad.w.fc1.")})
    common.write(NN, "lenet-grad-00002", {k: v for k, v in gw.items() if k.startswith("grad.w.fc1.")})

    # --- containers: keys (incl. duplicates of shared modules) and a forward
    torch.manual_seed(2)
    cm = Containers().eval()
    x = torch.randn(3, 2, generator=g)
    keys = list(cm.state_dict().keys())
    common.write(NN + "/containers", "containers", {**common.state(cm), "in.x": x, "out.eval": cm(x)},
                 {"keys": keys, "shapes": {k: list(v.shape) for k, v in cm.state_dict().items()}})

    # sanity: the reference reader reads back what was written
    back = load(path(IO, "reference-dtypes"))
    assert back["i64"].dtype == torch.int64 and back["f64"].dtype == torch.float64


if __name__ == "__main__":
    main()
