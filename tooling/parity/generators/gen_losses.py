"""Parity fixtures for packages/nn/src/losses: every torch.nn loss, every reduction, non-default options.

One fixture per family. Each case `<case>` stores
  in.<case>.<arg>        positional inputs (targets int64 -> int32; option tensors such as weight too)
  in.<case>.r            random weights: for reduction 'none' the scalar is sum(loss * r)
  out.<case>             the loss (float64 reference computed from float32-representable inputs)
  grad.in.<case>.<arg>   gradient of the scalar w.r.t. that input
config = {"cases": [{"name", "fn", "args", "grads", "opts", "tensorOpts", "reduction"}]}; the option value "inf" means Infinity
"""
import math
import warnings

import torch
import torch.nn.functional as F

import common

REL = "packages/nn/src/losses"
warnings.filterwarnings("ignore", message="reduction: .mean. divides")
g = torch.Generator().manual_seed(1234)
D = torch.float64


def rn(*shape, scale=1.0):
    return (torch.randn(tuple(shape), generator=g) * scale).float().double()


def ru(*shape, lo=0.0, hi=1.0):
    return (torch.rand(tuple(shape), generator=g) * (hi - lo) + lo).float().double()


def ri(lo, hi, *shape):
    return torch.randint(lo, hi, shape, generator=g)


class Family:
    def __init__(self, name):
        self.name, self.tensors, self.cases = name, {}, []

    def add(self, fn, torch_fn, args, grads, opts=None, topts=None, reductions=("none", "mean", "sum"), tag=""):
        """args: ordered dict name -> tensor; torch_fn(args_dict, topts_dict, reduction) -> loss."""
        topts = topts or {}
        for red in reductions:
            name = f"{fn}{tag}_{len(self.cases)}_{red}"
            a = {k: (v.clone().requires_grad_(k in grads)) for k, v in args.items()}
            loss = torch_fn(a, topts, red)
            r = rn(*loss.shape)
            scalar = (loss * r).sum() if red == "none" else loss
            gs = torch.autograd.grad(scalar, [a[k] for k in grads], allow_unused=True) if grads and scalar.requires_grad else []
            for k, v in args.items():
                self.tensors[f"in.{name}.{k}"] = v
            for k, v in topts.items():
                self.tensors[f"in.{name}.{k}"] = v
            self.tensors[f"in.{name}.r"] = r
            self.tensors[f"out.{name}"] = loss.detach()
            for k, gr in zip(grads, gs):
                self.tensors[f"grad.in.{name}.{k}"] = gr if gr is not None else torch.zeros_like(a[k])
            self.cases.append({"name": name, "fn": fn, "args": list(args), "grads": list(grads), "opts": opts or {},
                               "tensorOpts": list(topts), "reduction": red})

    def write(self):
        common.write(REL, f"losses_{self.name}", self.tensors, {"cases": self.cases})


# ------------------------------------------------------------------ regression
fam = Family("regression")
for shape in [(3, 5), (2, 3, 7)]:
    x, y = rn(*shape, scale=2), rn(*shape, scale=2)
    A = {"input": x, "target": y}
    fam.add("l1Loss", lambda a, t, r: F.l1_loss(a["input"], a["target"], reduction=r), A, ["input", "target"])
    fam.add("mseLoss", lambda a, t, r: F.mse_loss(a["input"], a["target"], reduction=r), A, ["input", "target"])
    for beta in [1.0, 0.5, 0.0, 2.5]:
        fam.add("smoothL1Loss", lambda a, t, r, b=beta: F.smooth_l1_loss(a["input"], a["target"], reduction=r, beta=b), A,
                ["input", "target"], {"beta": beta})
    for delta in [1.0, 0.3, 2.5]:
        fam.add("huberLoss", lambda a, t, r, d=delta: F.huber_loss(a["input"], a["target"], reduction=r, delta=d), A,
                ["input", "target"], {"delta": delta})
fam.write()

# ------------------------------------------------------------------ binary
fam = Family("binary")
bce = lambda a, t, r: F.binary_cross_entropy(a["input"], a["target"], weight=t.get("weight"), reduction=r)
bcel = lambda a, t, r: F.binary_cross_entropy_with_logits(a["input"], a["target"], weight=t.get("weight"),
                                                           pos_weight=t.get("posWeight"), reduction=r)
for shape, wshape in [((4, 3), (3,)), ((2, 5, 3), (5, 1))]:
    x = torch.sigmoid(rn(*shape, scale=2)).float().double()
    soft, hard = ru(*shape), ri(0, 2, *shape).double()
    fam.add("binaryCrossEntropy", bce, {"input": x, "target": soft}, ["input", "target"])
    fam.add("binaryCrossEntropy", bce, {"input": x, "target": hard}, ["input", "target"], topts={"weight": ru(*wshape, lo=0.2, hi=2)})
    z = rn(*shape, scale=3)
    fam.add("binaryCrossEntropyWithLogits", bcel, {"input": z, "target": soft}, ["input", "target"])
    fam.add("binaryCrossEntropyWithLogits", bcel, {"input": z, "target": hard}, ["input", "target"], topts={"weight": ru(*wshape, lo=0.2, hi=2)})
    fam.add("binaryCrossEntropyWithLogits", bcel, {"input": z, "target": soft}, ["input", "target"], topts={"posWeight": ru(shape[-1], lo=0.3, hi=4)})
    fam.add("binaryCrossEntropyWithLogits", bcel, {"input": z, "target": soft}, ["input", "target"],
            topts={"weight": ru(*wshape, lo=0.2, hi=2), "posWeight": ru(shape[-1], lo=0.3, hi=4)})
# edges: probabilities exactly 0 and 1 (log clamped at -100), huge logits
x = torch.tensor([0.0, 1.0, 0.5, 0.0, 1.0, 0.2], dtype=D)
t = torch.tensor([0.0, 1.0, 0.5, 0.3, 0.7, 1.0], dtype=D)
fam.add("binaryCrossEntropy", bce, {"input": x, "target": t}, ["input", "target"], tag="edge")
z = torch.tensor([[-60.0, -20.0, 0.0, 20.0, 60.0], [100.0, -100.0, 1e-3, -1e-3, 5.0]], dtype=D)
tt = torch.tensor([[0.0, 1.0, 0.5, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0, 0.25]], dtype=D)
fam.add("binaryCrossEntropyWithLogits", bcel, {"input": z, "target": tt}, ["input", "target"], topts={"posWeight": ru(5, lo=0.3, hi=4)}, tag="edge")
fam.add("binaryCrossEntropyWithLogits", bcel, {"input": z, "target": tt}, ["input", "target"], tag="edge")
fam.write()

# ------------------------------------------------------------------ cross entropy / nll
fam = Family("ce")
ce = lambda a, t, r, **o: F.cross_entropy(a["input"], a["target"], weight=t.get("weight"), reduction=r, **o)


def add_ce(x, tgt, opts, topts, tag=""):
    kw = {}
    if "ignoreIndex" in opts: kw["ignore_index"] = opts["ignoreIndex"]
    if "labelSmoothing" in opts: kw["label_smoothing"] = opts["labelSmoothing"]
    fam.add("crossEntropy", lambda a, t, r: ce(a, t, r, **kw), {"input": x, "target": tgt}, ["input"], opts, topts, tag=tag)


for shape in [(5, 4), (7, 3)]:
    N, C = shape
    x = rn(*shape, scale=2)
    t = ri(0, C, N)
    ti = t.clone(); ti[1] = -100; ti[-1] = -100
    w = ru(C, lo=0.2, hi=2)
    add_ce(x, t, {}, {})
    add_ce(x, t, {}, {"weight": w})
    add_ce(x, ti, {}, {"weight": w})
    add_ce(x, ti, {}, {})
    tj = t.clone(); tj[0] = 1; tj[2] = 1
    add_ce(x, tj, {"ignoreIndex": 1}, {"weight": w})
    add_ce(x, t, {"labelSmoothing": 0.2}, {})
    add_ce(x, ti, {"labelSmoothing": 0.15}, {"weight": w})
    add_ce(x, ti, {"labelSmoothing": 0.3}, {})
    p = torch.softmax(rn(*shape), 1).float().double()
    add_ce(x, p, {}, {}, tag="prob")
    add_ce(x, p, {"labelSmoothing": 0.25}, {"weight": w}, tag="prob")
# K-dim
x = rn(2, 3, 4, 5, scale=2)
t = ri(0, 3, 2, 4, 5); t[0, 1, 2] = -100; t[1, 3, 0] = -100
w = ru(3, lo=0.2, hi=2)
add_ce(x, t, {}, {"weight": w}, tag="kdim")
add_ce(x, t, {"labelSmoothing": 0.1}, {"weight": w}, tag="kdim")
x3 = rn(3, 4, 7)
add_ce(x3, ri(0, 4, 3, 7), {"labelSmoothing": 0.05}, {}, tag="kdim")
add_ce(x3, torch.softmax(rn(3, 4, 7), 1).float().double(), {}, {"weight": ru(4, lo=0.2, hi=2)}, tag="kdimprob")
# unbatched and all-ignored
add_ce(rn(6), torch.tensor(4), {}, {"weight": ru(6, lo=0.2, hi=2)}, tag="unbatched")
add_ce(rn(3, 4), torch.tensor([-100, -100, -100]), {}, {}, tag="allignored")

nll = lambda a, t, r, **o: F.nll_loss(a["input"], a["target"], weight=t.get("weight"), reduction=r, **o)


def add_nll(x, tgt, opts, topts, tag=""):
    kw = {"ignore_index": opts["ignoreIndex"]} if "ignoreIndex" in opts else {}
    fam.add("nllLoss", lambda a, t, r: nll(a, t, r, **kw), {"input": x, "target": tgt}, ["input"], opts, topts, tag=tag)


for shape in [(5, 4), (6, 7)]:
    N, C = shape
    x = torch.log_softmax(rn(*shape), 1).float().double()
    t = ri(0, C, N)
    ti = t.clone(); ti[0] = -100
    w = ru(C, lo=0.2, hi=2)
    add_nll(x, t, {}, {})
    add_nll(x, ti, {}, {"weight": w})
    tj = t.clone(); tj[1] = 2
    add_nll(x, tj, {"ignoreIndex": 2}, {"weight": w})
x = torch.log_softmax(rn(2, 3, 4, 5), 1).float().double()
t = ri(0, 3, 2, 4, 5); t[1, 2, 3] = -100
add_nll(x, t, {}, {"weight": ru(3, lo=0.2, hi=2)}, tag="kdim")
add_nll(x[:, :, :, 0].contiguous(), t[:, :, 0].contiguous(), {"ignoreIndex": 0}, {}, tag="kdim")
add_nll(rn(5), torch.tensor(2), {}, {}, tag="unbatched")
fam.write()

# ------------------------------------------------------------------ poisson / kl
fam = Family("prob")
pois = lambda o: (lambda a, t, r: F.poisson_nll_loss(a["input"], a["target"], log_input=o.get("logInput", True),
                                                      full=o.get("full", False), eps=o.get("eps", 1e-8), reduction=r))
for shape in [(4, 5), (2, 3, 3)]:
    cnt = torch.poisson(ru(*shape, lo=0, hi=4), generator=g).double()
    lx = rn(*shape)
    px = ru(*shape, lo=0.05, hi=4)
    # with full=True PyTorch's target gradient is NaN where target == 0 (0 * log 0): input gradient only
    for o in [{}, {"full": True}]:
        fam.add("poissonNllLoss", pois(o), {"input": lx, "target": cnt}, ["input"] + ([] if o else ["target"]), o)
    for o in [{"logInput": False}, {"logInput": False, "full": True, "eps": 0.01}]:
        fam.add("poissonNllLoss", pois(o), {"input": px, "target": cnt}, ["input"] + ([] if "full" in o else ["target"]), o)
kl = lambda lt: (lambda a, t, r: F.kl_div(a["input"], a["target"], reduction=r, log_target=lt))
for shape in [(4, 5), (2, 3, 4)]:
    x = torch.log_softmax(rn(*shape), -1).float().double()
    p = torch.softmax(rn(*shape, scale=2), -1).float().double()
    p.view(-1)[3] = 0.0
    lp = torch.log_softmax(rn(*shape), -1).float().double()
    reds = ("none", "mean", "sum", "batchmean")
    fam.add("klDiv", kl(False), {"input": x, "target": p}, ["input"], {}, reductions=reds)  # target grad NaN at 0 in PyTorch
    fam.add("klDiv", kl(False), {"input": x, "target": torch.softmax(rn(*shape), -1).float().double()}, ["input", "target"], {}, reductions=reds)
    fam.add("klDiv", kl(True), {"input": x, "target": lp}, ["input", "target"], {"logTarget": True}, reductions=reds)
gnll = lambda o: (lambda a, t, r: F.gaussian_nll_loss(a["input"], a["target"], a["var"], full=o.get("full", False),
                                                       eps=o.get("eps", 1e-6), reduction=r))
for shape, vshape in [((4, 3), (4, 3)), ((2, 3, 5), (2, 3)), ((5, 2), (5, 1))]:
    var = ru(*vshape, lo=0.05, hi=2)
    var.view(-1)[0] = 1e-8  # clamped to eps, gradient passes through
    A = {"input": rn(*shape), "target": rn(*shape), "var": var}
    fam.add("gaussianNllLoss", gnll({}), A, ["input", "target", "var"])
    fam.add("gaussianNllLoss", gnll({"full": True, "eps": 0.1}), A, ["input", "target", "var"], {"full": True, "eps": 0.1})
fam.write()

# ------------------------------------------------------------------ margin family
fam = Family("margin")
sign = lambda *s: (ri(0, 2, *s) * 2 - 1).double()
for shape in [(7,), (3, 4)]:
    for m in [0.0, 0.5]:
        fam.add("marginRankingLoss", lambda a, t, r, m=m: F.margin_ranking_loss(a["input1"], a["input2"], a["target"], margin=m, reduction=r),
                {"input1": rn(*shape), "input2": rn(*shape), "target": sign(*shape)}, ["input1", "input2"], {"margin": m})
    for m in [1.0, 2.5]:
        fam.add("hingeEmbeddingLoss", lambda a, t, r, m=m: F.hinge_embedding_loss(a["input"], a["target"], margin=m, reduction=r),
                {"input": rn(*shape, scale=2), "target": sign(*shape)}, ["input"], {"margin": m})
    fam.add("softMarginLoss", lambda a, t, r: F.soft_margin_loss(a["input"], a["target"], reduction=r),
            {"input": rn(*shape, scale=2), "target": sign(*shape)}, ["input"])
mm = lambda o: (lambda a, t, r: F.multi_margin_loss(a["input"], a["target"], p=o.get("p", 1), margin=o.get("margin", 1.0),
                                                     weight=t.get("weight"), reduction=r))
for shape in [(5, 4), (3, 7)]:
    N, C = shape
    x, t = rn(*shape), ri(0, C, N)
    fam.add("multiMarginLoss", mm({}), {"input": x, "target": t}, ["input"])
    fam.add("multiMarginLoss", mm({"p": 2}), {"input": x, "target": t}, ["input"], {"p": 2})
    fam.add("multiMarginLoss", mm({"p": 2, "margin": 0.7}), {"input": x, "target": t}, ["input"], {"p": 2, "margin": 0.7},
            {"weight": ru(C, lo=0.2, hi=2)})
    fam.add("multiMarginLoss", mm({"margin": 0.4}), {"input": x, "target": t}, ["input"], {"margin": 0.4}, {"weight": ru(C, lo=0.2, hi=2)})
fam.add("multiMarginLoss", mm({"p": 2}), {"input": rn(6), "target": torch.tensor(2)}, ["input"], {"p": 2}, tag="unbatched")
mlm = lambda a, t, r: F.multilabel_margin_loss(a["input"], a["target"], reduction=r)
fam.add("multilabelMarginLoss", mlm, {"input": rn(3, 5), "target": torch.tensor([[3, 0, -1, 1, 2], [1, 2, 3, 4, 0], [-1, 2, 0, 0, 0]])}, ["input"])
fam.add("multilabelMarginLoss", mlm, {"input": rn(4, 6), "target": torch.tensor([[5, 5, -1, 1, 2, 0], [0, -1, 3, 4, 0, 0], [2, 3, -1, 1, 1, 1], [4, 1, 0, -1, 0, 0]])}, ["input"])
fam.add("multilabelMarginLoss", mlm, {"input": rn(4), "target": torch.tensor([3, 0, -1, 1])}, ["input"], tag="unbatched")
mlsm = lambda a, t, r: F.multilabel_soft_margin_loss(a["input"], a["target"], weight=t.get("weight"), reduction=r)
for shape in [(4, 5), (3, 2)]:
    x = rn(*shape, scale=3)
    x.view(-1)[0] = 0.0
    y = ri(0, 2, *shape).double()
    fam.add("multilabelSoftMarginLoss", mlsm, {"input": x, "target": y}, ["input", "target"])
    fam.add("multilabelSoftMarginLoss", mlsm, {"input": x, "target": y}, ["input", "target"], topts={"weight": ru(shape[-1], lo=0.2, hi=2)})
cos = lambda m: (lambda a, t, r: F.cosine_embedding_loss(a["input1"], a["input2"], a["target"], margin=m, reduction=r))
for shape, ts in [((5, 6), (5,)), ((8, 3), (8,))]:
    for m in [0.0, -0.3, 0.3]:
        fam.add("cosineEmbeddingLoss", cos(m), {"input1": rn(*shape), "input2": rn(*shape), "target": sign(*ts)}, ["input1", "input2"], {"margin": m})
fam.add("cosineEmbeddingLoss", cos(0.1), {"input1": rn(7), "input2": rn(7), "target": torch.tensor(-1.0, dtype=D)}, ["input1", "input2"], {"margin": 0.1}, tag="unbatched")
trip = lambda o: (lambda a, t, r: F.triplet_margin_loss(a["anchor"], a["positive"], a["negative"], margin=o.get("margin", 1.0),
                                                        p=o.get("p", 2), eps=o.get("eps", 1e-6), swap=o.get("swap", False), reduction=r))
for shape in [(5, 6), (4, 3)]:
    A = {"anchor": rn(*shape), "positive": rn(*shape), "negative": rn(*shape)}
    for o in [{}, {"margin": 2.0, "swap": True}, {"p": 1}, {"p": 3, "eps": 1e-3, "margin": 1.5}, {"p": 1, "swap": True, "margin": 3.0},
              {"p": 1.5, "margin": 2.0}]:
        fam.add("tripletMarginLoss", trip(o), A, ["anchor", "positive", "negative"], o)
A = {"anchor": rn(4, 5), "positive": rn(4, 5), "negative": rn(4, 5)}
fam.add("tripletMarginLoss", lambda a, t, r: F.triplet_margin_loss(a["anchor"], a["positive"], a["negative"], p=float("inf"), swap=True,
                                                                  reduction=r), A, ["anchor", "positive", "negative"], {"p": "inf", "swap": True}, tag="pinf")
fam.add("tripletMarginLoss", trip({"margin": 3.0}), {"anchor": rn(4), "positive": rn(4), "negative": rn(4)},
        ["anchor", "positive", "negative"], {"margin": 3.0}, tag="unbatched")
fam.write()

# ------------------------------------------------------------------ ctc
fam = Family("ctc")


def ctc(o):
    return lambda a, t, r: F.ctc_loss(a["logProbs"], a["targets"], a["inputLengths"], a["targetLengths"], blank=o.get("blank", 0),
                                      reduction=r, zero_infinity=o.get("zeroInfinity", False))


def add_ctc(T, N, C, targets, il, tl, o, tag=""):
    lp = torch.log_softmax(rn(T, N, C, scale=2), -1).float().double() if N > 0 else torch.log_softmax(rn(T, C, scale=2), -1).float().double()
    fam.add("ctcLoss", ctc(o), {"logProbs": lp, "targets": targets, "inputLengths": il, "targetLengths": tl}, ["logProbs"], o, tag=tag)


add_ctc(12, 3, 6, torch.tensor([[1, 2, 2, 3], [4, 5, 0, 0], [1, 1, 1, 5]]), torch.tensor([12, 9, 10]), torch.tensor([4, 2, 3]), {})
add_ctc(10, 2, 5, torch.tensor([1, 2, 3, 4, 4, 1, 2]), torch.tensor([10, 8]), torch.tensor([3, 4]), {}, tag="concat")
add_ctc(9, 3, 7, torch.tensor([[0, 1, 2], [3, 3, 0], [2, 0, 0]]), torch.tensor([9, 7, 5]), torch.tensor([3, 2, 0]), {"blank": 6}, tag="blank6")
# impossible alignments: [2, 2, 2] needs 5 frames (input 4); target 5 > input 3
add_ctc(8, 3, 4, torch.tensor([[2, 2, 2, 1, 3], [1, 2, 3, 1, 2], [1, 3, 0, 0, 0]]), torch.tensor([4, 3, 8]), torch.tensor([3, 5, 2]),
        {"zeroInfinity": True}, tag="zeroinf")
add_ctc(7, 0, 5, torch.tensor([1, 3, 3]), torch.tensor(7), torch.tensor(3), {}, tag="unbatched")
fam.write()
