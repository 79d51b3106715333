"""Shared set-up of the PyTorch peers of `pnpm bench` (tooling/bench/src/peers.ts): one thread,
seed 0, the reference models on sys.path, and `run(workloads)`, which times the workload ids
given on the command line and prints one JSON line {id: {ms, cpuMs, rssMb}}.

A workload is a function `(runs) -> (fn, warmup, n)`: set-up (untimed), then `fn` is called
`warmup` times and `n` times timed (perf_counter; median ms, like the nnkit side's medians)."""
import json
import os
import resource
import statistics
import sys
import time

import torch

REFERENCE = os.environ.get("NNKIT_REFERENCE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "reference"))
DATA = os.environ.get("NNKIT_SHARED_DATA", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data"))
sys.path.insert(0, REFERENCE)
torch.set_num_threads(1)
torch.manual_seed(0)
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Most seconds of warm-up once 2 warm-up calls ran: PyTorch's times are flat from the second call,
# and 20 warm-up steps of the 22-channel EEG-TCNet (1.7 s each) would add a minute to the run.
WARMUP_BUDGET_S = 5.0


def timed(fn, warmup, n):
    """Median wall and CPU ms of `n` calls of `fn` after `warmup` calls (fewer once 2 calls ran
    and WARMUP_BUDGET_S passed)."""
    t0 = time.perf_counter()
    for i in range(warmup):
        if i >= 2 and time.perf_counter() - t0 > WARMUP_BUDGET_S:
            break
        fn()
    wall, cpu = [], []
    for _ in range(n):
        c = time.process_time()
        t = time.perf_counter()
        fn()
        wall.append((time.perf_counter() - t) * 1e3)
        cpu.append((time.process_time() - c) * 1e3)
    return statistics.median(wall), statistics.median(cpu)


def run(workloads, ids=None):
    """Times the selected ids (argv, default all) in order; prints the JSON line."""
    out = {}
    cache = {}
    for wid in ids if ids is not None else (sys.argv[1:] or list(workloads)):
        if wid not in workloads:
            raise SystemExit(f"unknown workload id {wid!r}; known: {', '.join(workloads)}")
        fn, warmup, n = workloads[wid](RUNS)
        key = getattr(fn, "bench_key", None)
        if key is not None and key in cache:
            ms, cpu = cache[key]
        else:
            ms, cpu = timed(fn, warmup, n)
            if key is not None:
                cache[key] = (ms, cpu)
        out[wid] = {"ms": ms, "cpuMs": cpu, "rssMb": rss_mb()}
    print(json.dumps(out))
