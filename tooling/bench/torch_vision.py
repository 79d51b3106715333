"""PyTorch CPU peer (one thread) of the bench group vision (src/workloads/vision.ts):
torchvision 0.14's inception_v3 (1000 classes, aux logits; forward in eval at batch 1, 299²; a
train step at batch 8 with loss = CE(logits) + 0.4 CE(aux), SGD lr 0.01 momentum 0.9) and
LeNet of shared/reference/small.py, one epoch on the digits (shared/data/digits.csv.gz, the 1,437
first rows as the 80 % training part, 8×8 upsampled to 32² bilinearly, batch 32, Adam, shuffled).
Usage: torch_vision.py ID...  (prints one JSON line, see torch_common.py)."""
import gzip
import os

import torch
import torch.nn.functional as F
from torchvision.models import inception_v3

from torch_common import DATA, run
from small import LeNet  # noqa: E402

loss_fn = torch.nn.CrossEntropyLoss()


def fwd_b1(runs):
    m = inception_v3(weights=None, aux_logits=True, init_weights=False).eval()
    x = torch.randn(1, 3, 299, 299)

    def fn():
        with torch.no_grad():
            m(x)
    return fn, 2, runs


def step_b8(runs):
    m = inception_v3(weights=None, aux_logits=True, init_weights=False).train()
    o = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
    x, y = torch.randn(8, 3, 299, 299), torch.arange(8) * 97 % 1000

    def fn():
        o.zero_grad()
        out = m(x)
        (loss_fn(out.logits, y) + 0.4 * loss_fn(out.aux_logits, y)).backward()
        o.step()
    return fn, 1, runs


def lenet_epoch(runs):
    with gzip.open(os.path.join(DATA, "digits.csv.gz"), "rt") as f:
        rows = [[float(v) for v in line.split(",")] for line in f if line.strip()]
    t = torch.tensor(rows)
    n = int(len(rows) * 0.8)
    x = F.interpolate((t[:n, :64] / 16).reshape(n, 1, 8, 8), size=(32, 32), mode="bilinear", align_corners=False)
    y = t[:n, 64].long()
    m = LeNet(10).train()
    o = torch.optim.Adam(m.parameters(), lr=1e-3)

    def fn():
        perm = torch.randperm(n)
        for b in range(0, n, 32):
            i = perm[b:b + 32]
            o.zero_grad()
            loss = loss_fn(m(x[i]), y[i])
            loss.backward()
            o.step()
            loss.item()
    return fn, 1, runs


run({"inception-v3-fwd-b1": fwd_b1, "inception-v3-step-b8": step_b8, "lenet-digits-epoch": lenet_epoch})
