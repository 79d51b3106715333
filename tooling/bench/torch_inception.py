"""PyTorch CPU peer of src/inception-speed.ts: torchvision 0.14's inception_v3 (no pretrained
weights, init_weights=False), one thread. Forward b1 299x299 in eval mode (no_grad); train step
b8 (SGD, cross-entropy on logits + 0.4 x on aux logits, train mode); the same step with the
backbone frozen (only fc and AuxLogits.fc trainable). Prints one JSON line of medians in ms."""
import json
import os
import statistics
import time

import torch
import torchvision

torch.set_num_threads(1)
torch.manual_seed(0)
runs = int(os.environ.get("INCEPTION_RUNS", "3"))
m = torchvision.models.inception_v3(weights=None, aux_logits=True, init_weights=False)
loss_fn = torch.nn.CrossEntropyLoss()


def median_ms(fn, n, warmup=1):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


x1 = torch.randn(1, 3, 299, 299)
m.eval()
with torch.no_grad():
    fwd = median_ms(lambda: m(x1), runs)

tb = int(os.environ.get("INCEPTION_TRAIN_BATCH", "8"))
x8 = torch.randn(tb, 3, 299, 299)
y8 = torch.randint(0, 1000, (tb,))


def make_step(params):
    opt = torch.optim.SGD(params, lr=0.01, momentum=0.9)

    def step():
        opt.zero_grad()
        out = m(x8)
        (loss_fn(out.logits, y8) + 0.4 * loss_fn(out.aux_logits, y8)).backward()
        opt.step()

    return step


m.train()
train = median_ms(make_step(list(m.parameters())), runs)
for name, p in m.named_parameters():
    p.requires_grad_(name.startswith("fc.") or name.startswith("AuxLogits.fc."))
frozen = median_ms(make_step([p for p in m.parameters() if p.requires_grad]), runs)
print(json.dumps({"forwardB1Ms": fwd, "trainStepB8Ms": train, "frozenStepB8Ms": frozen}))
