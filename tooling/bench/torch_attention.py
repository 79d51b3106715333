"""PyTorch CPU peer of the attention benchmark (`pnpm bench`, tooling/bench/src/attention.ts):
one module of shared/reference/attention.py at C = 64, batch 1, for each N = H·W given, one
thread; forward (eval, no grad) or forward + backward (train, parameter gradients of sum(y)).
Sizes run in increasing order; the peak memory is the growth of the process's maximum resident
set over the baseline after warm-up (so one process per module and mode).
Usage: torch_attention.py MODULE MODE N...   (MODE: forward | backward). Prints one JSON line."""
import json
import os
import resource
import statistics
import sys
import time

import torch

sys.path.insert(0, os.environ.get("NNKIT_REFERENCE", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "reference")))
from attention import (CrissCrossAttention, EfficientAttention, InterlacedSparseSelfAttention,  # noqa: E402
                       SelfAttention2d, SpatialReductionAttention)

torch.set_num_threads(1)
torch.manual_seed(0)
C = 64
name, mode, sizes = sys.argv[1], sys.argv[2], [int(v) for v in sys.argv[3:]]
runs = int(os.environ.get("BENCH_RUNS", "5"))
ctor = {
    "SelfAttention2d": lambda: SelfAttention2d(C),
    "CrissCrossAttention": lambda: CrissCrossAttention(C),
    "InterlacedSparseSelfAttention": lambda: InterlacedSparseSelfAttention(C, C // 2, C // 2, C, block=(8, 8)),
    "EfficientAttention": lambda: EfficientAttention(C, C // 2, C, head_count=2),
    "SpatialReductionAttention": lambda: SpatialReductionAttention(C, num_heads=1, sr_ratio=4),
}[name]
m = ctor()


def hw(n):
    h = int(round(n ** 0.5))
    return h, n // h


def call(x, h, w):
    return m(x, h, w) if name == "SpatialReductionAttention" else m(x)


def maxrss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


out = {}
base = None
for n in sizes:
    h, w = hw(n)
    x = torch.randn(1, h * w, C) if name == "SpatialReductionAttention" else torch.randn(1, C, h, w)
    if mode == "forward":
        m.eval()

        def fn():
            with torch.no_grad():
                call(x, h, w)
    else:
        m.train()

        def fn():
            m.zero_grad(set_to_none=True)
            call(x, h, w).sum().backward()
    fn()
    if base is None:
        base = maxrss()
    r = runs if n <= 1024 else max(3, runs // 2)
    ts = []
    cs = []
    for _ in range(r):
        t = time.perf_counter()
        c = time.process_time()
        fn()
        cs.append((time.process_time() - c) * 1000)
        ts.append((time.perf_counter() - t) * 1000)
    out[n] = {"ms": statistics.median(ts), "cpuMs": statistics.median(cs), "peakBytes": max(0, maxrss() - base)}
print(json.dumps(out))
