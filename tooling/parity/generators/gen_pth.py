"""Fixtures for the PyTorch checkpoint reader (packages/nn/src/io/pth-*.ts), written by torch.save.

  io/__fixtures__/pth-dtypes.pth         every storage dtype (float32/64/16, bfloat16, int64/32/16/8,
                                          uint8, bool), a scalar and an empty tensor; expected in .json
  io/__fixtures__/pth-views.pth          non-contiguous views (transpose, step slices, storage offsets,
                                          expand with zero strides), two views of one storage, a Parameter
  io/__fixtures__/pth-lenet.pth          LeNet state_dict (OrderedDict with _metadata); the same weights
                                          as nn/src/__fixtures__/lenet-state-0000{1,2}.safetensors
  io/__fixtures__/pth-checkpoint.pth     {'model': IrisMLP sd, 'optimizer': SGD state, 'epoch': 3, ...}
  io/__fixtures__/pth-checkpoint-p5.pth  the same, pickle protocol 5 (FRAME, MEMOIZE, SHORT_BINUNICODE...)
  io/__fixtures__/pth-module.pth         torch.save(model): the whole IrisMLP (references its class)
  io/__fixtures__/pth-legacy.pth         _use_new_zipfile_serialization=False (pre-1.6 format)
  io/__fixtures__/pth-malicious.pth      a torch.save-shaped zip whose data.pkl calls os.system; crafted
                                          byte by byte, never unpickled here
Expected plain values and tensors (as float64 lists) are in pth-expected.json.
"""
import io
import json
import math
import os
import zipfile
from collections import OrderedDict

import torch

import common
from safetensors_io import load
from small import IrisMLP, LeNet

IO = "packages/nn/src/io"
NN = "packages/nn/src"


def out(name):
    return os.path.join(common.fixture_dir(IO), name)


def values(t):
    t = t.detach()
    if t.dtype == torch.bool:
        t = t.int()
    vals = [v if math.isfinite(v) else str(v) for v in t.double().flatten().tolist()]  # 'inf' / 'nan'
    return {"shape": list(t.shape), "values": vals}


def main():
    g = torch.Generator().manual_seed(4321)
    expected = {}

    # --- every dtype
    dt = {
        "f32": torch.randn(2, 3, generator=g),
        "f64": torch.randn(4, generator=g, dtype=torch.float64),
        "f16": torch.tensor([1.0, -2.0, 65504.0, 2.0 ** -24, float("inf"), -0.0], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -5.0, 3.140625, 1e30], dtype=torch.bfloat16),
        "i64": torch.tensor([[0, -1], [2147483647, -2147483648], [7, 42]], dtype=torch.int64),
        "i32": torch.tensor([1, -2, 3], dtype=torch.int32),
        "i16": torch.tensor([-300, 300], dtype=torch.int16),
        "i8": torch.tensor([-7, 7, -128], dtype=torch.int8),
        "u8": torch.tensor([0, 1, 255], dtype=torch.uint8),
        "bool": torch.tensor([[True, False], [False, True]]),
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
    }
    torch.save(dt, out("pth-dtypes.pth"))
    expected["dtypes"] = {k: values(v) for k, v in dt.items()}

    # --- views: strides, offsets, shared storages, zero strides, a Parameter
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    views = {
        "base": base,
        "t": base.t(),                      # strides (1, 6)
        "rows": base[1:3],                  # offset 6, shares base's storage
        "step": base[1:, ::2],              # offset 6, strides (6, 2)
        "col": base[:, 4],                  # offset 4, stride (6,)
        "expand": torch.tensor([1.5, -2.5]).reshape(2, 1).expand(2, 3),  # strides (1, 0)
        "perm": torch.randn(2, 3, 4, generator=g).permute(2, 0, 1),
        "long_view": torch.arange(10, dtype=torch.int64)[2:9:3],
        "param": torch.nn.Parameter(torch.randn(3, generator=g)),
    }
    torch.save(views, out("pth-views.pth"))
    expected["views"] = {k: values(v) for k, v in views.items()}

    # --- LeNet state dict: the weights of the safetensors fixtures of the whole-model parity test
    lenet = LeNet()
    sd = {}
    for shard in ("lenet-state-00001", "lenet-state-00002"):
        sd.update(load(os.path.join(common.fixture_dir(NN), shard + ".safetensors")))
    lenet.load_state_dict(sd, strict=True)
    torch.save(lenet.state_dict(), out("pth-lenet.pth"))

    # --- a training checkpoint: model, optimizer state, plain values
    torch.manual_seed(0)
    iris = IrisMLP()
    opt = torch.optim.SGD(iris.parameters(), lr=0.1, momentum=0.9)
    iris(torch.randn(3, 4, generator=g)).sum().backward()
    opt.step()
    ckpt = {
        "model": iris.state_dict(),
        "optimizer": opt.state_dict(),
        "epoch": 3,
        "best": 0.97,
        "name": "iris ✓",
        "flags": [True, False, None],
        "big": 2 ** 70,
        "neg": -123456789012,
        "bytes": b"\x00\x01\xff",
        "pair": (1, "a"),
        "ints": {1: "one", -2: "minus two"},
        "nested": OrderedDict([("b", {"c": [1.5, -2.0]}), ("a", 7)]),
    }
    torch.save(ckpt, out("pth-checkpoint.pth"))
    torch.save(ckpt, out("pth-checkpoint-p5.pth"), pickle_protocol=5)
    expected["checkpoint"] = {
        "model": {k: values(v) for k, v in iris.state_dict().items()},
        "optimizer_state": {str(k): values(v["momentum_buffer"]) for k, v in opt.state_dict()["state"].items()},
        "param_groups": opt.state_dict()["param_groups"],
        "epoch": 3, "best": 0.97, "name": "iris ✓", "neg": -123456789012, "big": str(2 ** 70),
    }

    # --- the whole module (its class is a global nnkit refuses)
    torch.save(iris, out("pth-module.pth"))

    # --- legacy (pre-1.6) serialization
    torch.save({"w": torch.ones(2)}, out("pth-legacy.pth"), _use_new_zipfile_serialization=False)

    # --- a malicious pickle: GLOBAL os.system, REDUCE ('echo pwned',). Written as bytes; never loaded.
    cmd = b"echo pwned"
    pkl = b"\x80\x02cos\nsystem\nq\x00X" + len(cmd).to_bytes(4, "little") + cmd + b"q\x01\x85q\x02Rq\x03."
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("pth-malicious/data.pkl", pkl)
        z.writestr("pth-malicious/version", "3\n")
    with open(out("pth-malicious.pth"), "wb") as f:
        f.write(buf.getvalue())

    with open(out("pth-expected.json"), "w") as f:
        json.dump(expected, f)


if __name__ == "__main__":
    main()
