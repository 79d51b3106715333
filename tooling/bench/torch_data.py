"""PyTorch CPU peer (one thread) of the bench group data (src/workloads/data.ts): BCI IV 2b subject
1 from shared/data/bciciv2b — reading sessions 1-3 (scipy.io.loadmat, to (N, 3, 1000) float32);
one torch DataLoader epoch over those arrays (TensorDataset, batch 64, shuffle, no workers); one
EEG-TCNet training epoch of the app's recipe (z-score per channel, Adam lr 1e-3, batch 64,
cross-entropy, shuffled; shared/reference/eeg.py).
Usage: torch_data.py ID...  (prints one JSON line, see torch_common.py)."""
import os

import numpy as np
import scipy.io
import torch

from torch_common import DATA, run
from eeg import EEGTCNet  # noqa: E402

ROOT = os.path.join(DATA, "bciciv2b")


def load(sessions=(1, 2, 3)):
    xs, ys = [], []
    for s in sessions:
        d = scipy.io.loadmat(os.path.join(ROOT, f"B010{s}{'T' if s <= 3 else 'E'}.mat"))
        xs.append(np.ascontiguousarray(d["data"].transpose(2, 1, 0), dtype=np.float32))
        ys.append(d["label"][:, 0].astype(np.int64) - 1)
    return np.concatenate(xs), np.concatenate(ys)


def read(runs):
    return load, 1, runs


def dataloader(runs):
    x, y = load()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=64, shuffle=True)

    def fn():
        for xb, yb in loader:
            pass
    return fn, 1, runs


def epoch(runs):
    x, y = load()
    mean, std = x.mean(axis=(0, 2), keepdims=True), x.std(axis=(0, 2), keepdims=True)
    xt, yt = torch.from_numpy((x - mean) / std), torch.from_numpy(y)
    m = EEGTCNet(n_chans=3, n_classes=2)
    o = torch.optim.Adam(m.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = len(yt)

    def fn():
        m.train()
        perm = torch.randperm(n)
        for b in range(0, n, 64):
            i = perm[b:b + 64]
            o.zero_grad()
            loss = loss_fn(m(xt[i]), yt[i])
            loss.backward()
            o.step()
            loss.item()
    return fn, 1, runs


run({"read-2b": read, "dataloader-2b": dataloader, "epoch-2b": epoch})
