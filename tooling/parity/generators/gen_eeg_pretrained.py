"""Pretrained-weights fixtures for @nnkit/eeg: an EEG-TCNet (3 channels, 2 classes, paper
hyper-parameters) TRAINED in PyTorch for a few Adam steps on BCI IV 2b subject 1 (sessions 01-03,
z-scored per channel; synthetic two-class data when ../shared/data is absent), then saved the way a
PyTorch user ships weights: the state_dict with PyTorch key names as safetensors.

  packages/eeg/src/recipe/__fixtures__/eegtcnet-pretrained.safetensors      state_dict only
  packages/eeg/src/recipe/__fixtures__/eegtcnet-pretrained-io.safetensors   in.x (test trials), out.logits (eval)

The reverse direction (a file written by nnkit's saveSafetensors(model.stateDict()) loads in
PyTorch with load_state_dict(strict=True) and predicts the same):

  /usr/bin/python3 gen_eeg_pretrained.py --check WEIGHTS.safetensors IO.safetensors

loads WEIGHTS strictly into the reference EEGTCNet(3, 2) and compares its eval logits on IO's
`in.x` with IO's `out.logits` (≤ 1e-5, same argmax); exit status 0 when they match."""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402
from eeg import EEGTCNet  # noqa: E402
from safetensors_io import load, save  # noqa: E402

REL = "packages/eeg/src/recipe"


def check(weights, io):
    m = EEGTCNet(3, 2)
    sd = load(weights)
    sd = {k: (v.long() if k.endswith("num_batches_tracked") else v) for k, v in sd.items()}
    m.load_state_dict(sd, strict=True)
    m.eval()
    t = load(io)
    with torch.no_grad():
        y = m(t["in.x"])
    diff = (y - t["out.logits"]).abs().max().item()
    same = bool((y.argmax(1) == t["out.logits"].argmax(1)).all())
    print(f"strict load OK; max |logits diff| {diff:.2e}; same argmax: {same}")
    return diff <= 1e-5 and same


def data():
    root = os.path.join(common.SHARED, "data", "bciciv2b")
    try:
        import scipy.io
        xs, ys = [], []
        for s, tag in [(1, "T"), (2, "T"), (3, "T"), (4, "E")]:
            mat = scipy.io.loadmat(os.path.join(root, f"B010{s}{tag}.mat"))
            xs.append(np.transpose(mat["data"], (2, 1, 0)).astype(np.float32))
            ys.append(mat["label"].reshape(-1).astype(np.int64) - 1)
        xtr, ytr = np.concatenate(xs[:3]), np.concatenate(ys[:3])
        xte = xs[3][:6]
        print("training on BCI IV 2b subject 1")
    except (OSError, ImportError):
        g = np.random.default_rng(0)
        ytr = np.arange(128) % 2
        t = np.arange(1000) / 250
        xtr = g.standard_normal((128, 3, 1000)).astype(np.float32)
        xtr[ytr == 0, 0] += 3 * np.sin(2 * np.pi * 10 * t)
        xtr[ytr == 1, 2] += 3 * np.sin(2 * np.pi * 10 * t)
        xte = xtr[:6]
        print("../shared/data absent: training on synthetic two-class data")
    mean = xtr.mean(axis=(0, 2), keepdims=True)
    std = xtr.std(axis=(0, 2), keepdims=True)
    return torch.from_numpy((xtr - mean) / std), torch.from_numpy(ytr), torch.from_numpy((xte - mean) / std)


def main():
    xtr, ytr, xte = data()
    torch.manual_seed(0)
    m = EEGTCNet(3, 2)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    m.train()
    for step in range(40):
        idx = torch.randint(0, len(ytr), (64,))
        opt.zero_grad()
        loss = F.cross_entropy(m(xtr[idx]), ytr[idx])
        loss.backward()
        opt.step()
    print(f"trained 40 Adam steps, last loss {loss.item():.4f}")
    m.eval()
    with torch.no_grad():
        y = m(xte)  # also renorms the constrained weights (idempotent) before saving
    d = common.fixture_dir(REL)
    weights = os.path.join(d, "eegtcnet-pretrained.safetensors")
    save({k: v.detach().contiguous() for k, v in m.state_dict().items()}, weights)
    io = common.write(REL, "eegtcnet-pretrained-io", {"in.x": xte, "out.logits": y},
                      dict(model="EEGTCNet", nChans=3, nClasses=2, steps=40))
    print("wrote", weights, io, tuple(y.shape))
    assert check(weights, io)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--check":
        sys.exit(0 if check(sys.argv[2], sys.argv[3]) else 1)
    main()
