"""PyTorch CPU peer for `pnpm bench`: EEG-TCNet (shared/reference/eeg.py) training step
(batch 64 x 22 x 1000, Adam, cross-entropy; and 64 x 3 x 1000, 2 classes, the BCI IV 2b recipe),
one-trial and batch-288 inference; EEGNet and EEG-Inception-TCN training steps (22 x 1000,
batch 64); the iris MLP's full training (150 epochs, batch 16, SGD lr 0.2); one thread.
Prints one JSON line: medians in milliseconds over several runs."""
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.environ.get("NNKIT_REFERENCE", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "reference")))
from eeg import EEGInceptionTCN, EEGNet, EEGTCNet  # noqa: E402
from small import IrisMLP  # noqa: E402
import resource  # noqa: E402

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

fwd = []
with torch.no_grad():
    for _ in range(runs):
        t = time.perf_counter()
        m(x)
        fwd.append((time.perf_counter() - t) * 1e3)

# Front end ops alone (batch 64): temporal conv forward, and forward+backward of the
# temporal conv + batch norm + depthwise spatial conv.
conv_t = torch.nn.Conv2d(1, 8, (1, 32), padding="same", bias=False)
front = torch.nn.Sequential(conv_t, torch.nn.BatchNorm2d(8), torch.nn.Conv2d(8, 16, (22, 1), groups=8, bias=False))
x4 = x.reshape(64, 1, 22, 1000)
conv_fwd, front_step = [], []
for i in range(runs + 1):
    with torch.no_grad():
        t = time.perf_counter()
        conv_t(x4)
        dt = (time.perf_counter() - t) * 1e3
    t = time.perf_counter()
    front(x4).sum().backward()
    ds = (time.perf_counter() - t) * 1e3
    if i:
        conv_fwd.append(dt)
        front_step.append(ds)

# The BCI IV 2b recipe's model: 3 channels, 2 classes, batch 64.
m3 = EEGTCNet(n_chans=3, n_classes=2)
opt3 = torch.optim.Adam(m3.parameters(), lr=1e-3)
x3 = torch.randn(64, 3, 1000)
y3 = torch.randint(0, 2, (64,))


def step3():
    opt3.zero_grad()
    loss_fn(m3(x3), y3).backward()
    opt3.step()


m3.train()
for _ in range(2):
    step3()
train3 = []
for _ in range(runs):
    t = time.perf_counter()
    step3()
    train3.append((time.perf_counter() - t) * 1e3)

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
x288 = torch.randn(288, 22, 1000)
infer288 = []
with torch.no_grad():
    m(x288)
    for _ in range(runs):
        t = time.perf_counter()
        m(x288)
        infer288.append((time.perf_counter() - t) * 1e3)


def train_steps(model, xs, ys):
    o = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()

    def one():
        o.zero_grad()
        loss_fn(model(xs), ys).backward()
        o.step()
    for _ in range(2):
        one()
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        one()
        out.append((time.perf_counter() - t) * 1e3)
    return statistics.median(out)


eegnet_step = train_steps(EEGNet(n_chans=22, n_classes=4, n_times=1000), x, y)
inception_step = train_steps(EEGInceptionTCN(n_chans=22, n_classes=4), x, y)

# iris: 120 rows, batch 16 (8 steps/epoch), 150 epochs, SGD lr 0.2 — pre-batched, no loader
xi = torch.rand(120, 4)
yi = torch.randint(0, 3, (120,))
batches = [(xi[i:i + 16], yi[i:i + 16]) for i in range(0, 120, 16)]


def iris_fit():
    mi = IrisMLP()
    oi = torch.optim.SGD(mi.parameters(), lr=0.2)
    for _ in range(150):
        for xb_, yb_ in batches:
            oi.zero_grad()
            loss_fn(mi(xb_), yb_).backward()
            oi.step()


iris_fit()
iris = []
for _ in range(max(3, runs // 2)):
    t = time.perf_counter()
    iris_fit()
    iris.append((time.perf_counter() - t) * 1e3)

print(json.dumps({"peer": "pytorch-cpu-1thread", "torch": torch.__version__,
                  "trainStepMs": statistics.median(train), "inferMs": statistics.median(infer),
                  "forwardMs": statistics.median(fwd), "temporalConvMs": statistics.median(conv_fwd),
                  "frontEndStepMs": statistics.median(front_step), "trainStep3Ms": statistics.median(train3),
                  "infer288Ms": statistics.median(infer288), "eegnetStepMs": eegnet_step,
                  "inceptionStepMs": inception_step, "irisFitMs": statistics.median(iris),
                  "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
