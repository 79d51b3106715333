"""PyTorch CPU peer (one thread) of the bench groups eeg-infer, eeg-steps and front-end
(src/workloads/eeg-*.ts, front-end.ts): EEG-TCNet, EEGNet and EEG-Inception-TCN of
shared/reference/eeg.py with the same shapes, Adam lr 1e-3 and cross-entropy, random data.
Usage: torch_eeg.py ID...  (prints one JSON line, see torch_common.py)."""
import torch

from torch_common import run
from eeg import EEGInceptionTCN, EEGNet, EEGTCNet  # noqa: E402 (path set by torch_common)

loss_fn = torch.nn.CrossEntropyLoss()
# Warm-up steps of the training-step rows: as many as the nnkit side's (TRAIN_WARMUP in
# src/warmup.ts, which needs them for V8 to optimise its kernel dispatch).
STEP_WARMUP = 20
_tcnet = {}


def tcnet22():
    if "m" not in _tcnet:
        _tcnet["m"] = EEGTCNet(n_chans=22, n_classes=4).eval()
    return _tcnet["m"]


def no_grad(f):
    def g():
        with torch.no_grad():
            f()
    return g


def infer_b1(runs):
    m, x = tcnet22(), torch.randn(1, 22, 1000)
    fn = no_grad(lambda: m(x))
    fn.bench_key = "infer-b1"  # the uncached row has the same PyTorch figure
    return fn, 20, runs * 10


def infer_b288(runs):
    m, x = tcnet22(), torch.randn(288, 22, 1000)
    return no_grad(lambda: m(x)), 1, runs


def forward_b64(runs):
    m, x = tcnet22(), torch.randn(64, 22, 1000)

    def fn():
        m.train()
        with torch.no_grad():
            m(x)
        m.eval()
    return fn, 1, runs


def step(make, chans, classes):
    def workload(runs):
        m = make().train()
        opt = torch.optim.Adam(m.parameters(), lr=1e-3)
        x, y = torch.randn(64, chans, 1000), torch.randint(0, classes, (64,))

        def fn():
            opt.zero_grad()
            loss_fn(m(x), y).backward()
            opt.step()
        return fn, STEP_WARMUP, runs
    return workload


def front_end():
    conv_t = torch.nn.Conv2d(1, 8, (1, 32), padding="same", bias=False)
    front = torch.nn.Sequential(conv_t, torch.nn.BatchNorm2d(8), torch.nn.Conv2d(8, 16, (22, 1), groups=8, bias=False))
    return conv_t, front, torch.randn(64, 1, 22, 1000)


def temporal_conv(runs):
    conv_t, _, x = front_end()
    return no_grad(lambda: conv_t(x)), 1, runs


def front_step(runs):
    _, front, x = front_end()

    def fn():
        front.zero_grad()
        front(x).sum().backward()
    fn.bench_key = "front-step"  # the fused row compares with the same PyTorch module
    return fn, 2, runs


run({
    "eegtcnet-infer-b1": infer_b1,
    "eegtcnet-infer-b1-uncached": infer_b1,
    "eegtcnet-infer-b288": infer_b288,
    "eegtcnet-forward-b64": forward_b64,
    "eegtcnet-step-22ch": step(lambda: EEGTCNet(n_chans=22, n_classes=4), 22, 4),
    "eegtcnet-step-3ch": step(lambda: EEGTCNet(n_chans=3, n_classes=2), 3, 2),
    "eegnet-step": step(lambda: EEGNet(n_chans=22, n_classes=4, n_times=1000), 22, 4),
    "eeg-inception-tcn-step": step(lambda: EEGInceptionTCN(n_chans=22, n_classes=4), 22, 4),
    "temporal-conv-fwd": temporal_conv,
    "front-end-step": front_step,
    "front-end-fused": front_step,
})
