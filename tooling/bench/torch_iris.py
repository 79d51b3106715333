"""PyTorch CPU peer (one thread) of the bench group iris (src/workloads/iris.ts): the iris MLP
of shared/reference/small.py, 150 epochs, SGD lr 0.2, batch 16 — a pre-batched loop on 120 random
rows, and the app recipe's equivalent: shared/data/iris.csv min-max normalised, a 120/15/15
split, a shuffling DataLoader, dev evaluation every 50 steps keeping the best state_dict, then
the best model reloaded and evaluated on the test rows.
Usage: torch_iris.py ID...  (prints one JSON line, see torch_common.py)."""
import copy
import csv
import os

import torch

from torch_common import DATA, run
from small import IrisMLP  # noqa: E402

loss_fn = torch.nn.CrossEntropyLoss()


def loop(runs):
    xi, yi = torch.rand(120, 4), torch.randint(0, 3, (120,))
    batches = [(xi[i:i + 16], yi[i:i + 16]) for i in range(0, 120, 16)]

    def fn():
        m = IrisMLP()
        o = torch.optim.SGD(m.parameters(), lr=0.2)
        for _ in range(150):
            for xb, yb in batches:
                o.zero_grad()
                loss_fn(m(xb), yb).backward()
                o.step()
    return fn, 1, runs


def recipe(runs):
    with open(os.path.join(DATA, "iris.csv")) as f:
        rows = list(csv.reader(f))[1:]
    x = torch.tensor([[float(v) for v in r[:4]] for r in rows])
    y = torch.tensor([int(r[4]) for r in rows])

    def fn():
        g = torch.Generator().manual_seed(0)
        xn = (x - x.min(0).values) / (x.max(0).values - x.min(0).values)
        perm = torch.randperm(150, generator=g)
        tr, dv, te = perm[:120], perm[120:135], perm[135:]
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xn[tr], y[tr]), batch_size=16, shuffle=True, generator=g)
        m = IrisMLP()
        o = torch.optim.SGD(m.parameters(), lr=0.2)
        best, best_state, step = -1.0, None, 0

        def accuracy(idx):
            m.eval()
            with torch.no_grad():
                out = m(xn[idx])
                loss_fn(out, y[idx])
                acc = (out.argmax(1) == y[idx]).float().mean().item()
            m.train()
            return acc
        for _ in range(150):
            for xb, yb in loader:
                o.zero_grad()
                loss_fn(m(xb), yb).backward()
                o.step()
                step += 1
                if step % 50 == 0:
                    acc = accuracy(dv)
                    if acc > best:
                        best, best_state = acc, copy.deepcopy(m.state_dict())
        m.load_state_dict(best_state)
        accuracy(te)
    return fn, 1, runs


run({"iris-loop": loop, "iris-recipe": recipe})
