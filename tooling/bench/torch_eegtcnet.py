"""PyTorch CPU peer for `pnpm bench`: EEG-TCNet (shared/reference/eeg.py) training step
(batch 64 x 22 x 1000, Adam, cross-entropy) and one-trial inference, one thread.
Prints one JSON line: medians in milliseconds over several runs."""
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.environ.get("NNKIT_REFERENCE", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "reference")))
from eeg import EEGTCNet  # noqa: E402

torch.set_num_threads(1)
torch.manual_seed(0)
runs = int(os.environ.get("BENCH_RUNS", "7"))
m = EEGTCNet(n_chans=22, n_classes=4)
opt = torch.optim.Adam(m.parameters(), lr=1e-3)
x = torch.randn(64, 22, 1000)
y = torch.randint(0, 4, (64,))
loss_fn = torch.nn.CrossEntropyLoss()


def step():
    opt.zero_grad()
    loss_fn(m(x), y).backward()
    opt.step()


m.train()
for _ in range(2):
    step()
train = []
for _ in range(runs):
    t = time.perf_counter()
    step()
    train.append((time.perf_counter() - t) * 1e3)

m.eval()
x1 = torch.randn(1, 22, 1000)
infer = []
with torch.no_grad():
    for _ in range(20):
        m(x1)
    for _ in range(runs * 10):
        t = time.perf_counter()
        m(x1)
        infer.append((time.perf_counter() - t) * 1e3)
print(json.dumps({"peer": "pytorch-cpu-1thread", "torch": torch.__version__,
                  "trainStepMs": statistics.median(train), "inferMs": statistics.median(infer)}))
