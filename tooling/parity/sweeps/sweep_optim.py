"""Random-configuration sweep of the @nnkit/train optimizers against torch.optim (PyTorch 1.13).

Draws COUNT random hyper-parameter sets per optimizer — SGD (momentum, dampening, nesterov,
weight_decay, maximize), Adam / AdamW (betas, eps, weight_decay, amsgrad, maximize), RMSprop
(alpha, eps, weight_decay, momentum, centered, maximize) — each on two param groups (the second
with its own overrides) and ten steps with a step where a parameter has no gradient, written as
generators/gen_optim.py writes its fixtures, into OUT/__fixtures__. The nnkit side is
packages/train/src/optim/optim.parity.test.ts with NNKIT_SWEEP_DIR=OUT (`tooling/parity/sweep optim`).

Usage: sweep_optim.py OUT [SEED] [COUNT]
"""
import os
import random
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "generators"))
from gen_optim import optim_case  # noqa: E402

OUT = os.path.abspath(sys.argv[1])
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 0
COUNT = int(sys.argv[3]) if len(sys.argv) > 3 else 10


def main():
    rng = random.Random(SEED)
    pick = rng.choice
    n = 0
    for i in range(COUNT):
        ci = 100 * SEED + i
        lr = pick([1e-3, 1e-2, 0.05, 0.1])
        mom = pick([0.0, 0.5, 0.9])
        nesterov = mom > 0 and rng.random() < 0.5
        sgd = dict(lr=lr, momentum=mom, dampening=0.0 if nesterov else pick([0.0, 0.1, 0.5]), nesterov=nesterov,
                   weight_decay=pick([0.0, 1e-3, 0.1]), maximize=rng.random() < 0.3)
        g1 = dict(lr=pick([1e-3, 0.03]), momentum=pick([0.0, 0.7])) if not nesterov else dict(lr=pick([1e-3, 0.03]))
        optim_case(OUT, f"sgd-{i}", ci, torch.optim.SGD, sgd, g1)
        for cls in (torch.optim.Adam, torch.optim.AdamW):
            d = dict(lr=pick([1e-3, 1e-2, 0.05]), betas=(pick([0.5, 0.8, 0.9]), pick([0.9, 0.99, 0.999])),
                     eps=pick([1e-8, 1e-6, 1e-3]), weight_decay=pick([0.0, 1e-2, 0.1]), amsgrad=rng.random() < 0.5,
                     maximize=rng.random() < 0.3)
            g1 = dict(lr=pick([1e-3, 5e-3]), betas=(pick([0.7, 0.9]), pick([0.95, 0.999])), weight_decay=pick([0.0, 0.05]))
            optim_case(OUT, f"{cls.__name__.lower()}-{i}", ci, cls, d, g1)
        d = dict(lr=pick([1e-3, 1e-2]), alpha=pick([0.5, 0.9, 0.99]), eps=pick([1e-8, 1e-6]),
                 weight_decay=pick([0.0, 0.05]), momentum=pick([0.0, 0.5, 0.9]), centered=rng.random() < 0.5,
                 maximize=rng.random() < 0.3)
        g1 = dict(lr=pick([1e-3, 2e-3]), alpha=pick([0.7, 0.99]), momentum=pick([0.0, 0.3]))
        optim_case(OUT, f"rmsprop-{i}", ci, torch.optim.RMSprop, d, g1)
        n += 4
    print(f"wrote {n} cases to {OUT}/__fixtures__")


main()
