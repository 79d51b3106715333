"""Parity fixtures for the basic layers (packages/nn/src/layers/basic) and the basic ops
(packages/tensor/src/ops/basic): softmax/log-softmax along every dim, GELU, and every basic
layer with non-default options, in eval and train mode, with gradients and BN running stats.

Per layer case (one file each, packages/nn/src/layers/basic/__fixtures__/<case>.safetensors):
  w.*                initial state_dict
  in.x, in.r         input, and the upstream weights: loss = sum(out * r)
  out.eval           eval-mode output (from the initial state)
  grad.in.x.eval     d loss / d x in eval mode; grad.w.<p>.eval likewise
  out.train          train-mode output (first train forward)
  grad.in.x, grad.w.<p>   gradients of the train-mode loss
  in.x2              second train-mode batch (BN cases; run without grad)
  after.*            state_dict after the train forward(s)
config: {"cls", "args", "opts" (nnkit camelCase names), "steps", "loss"}
"""
import torch
import torch.nn as nn

import common
from eeg import GradientReversal, LinearWithConstraint

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
LAYERS = "packages/nn/src/layers/basic"
OPS = "packages/tensor/src/ops/basic"


def rnd(*shape, scale=1.0):
    return torch.randn(*shape) * scale


def case(name, module, x_shape, cls, args, opts=None, steps=1, scale=1.0, prep=None):
    module = module.double()
    with torch.no_grad():
        for pname, p in module.named_parameters():
            if pname == "weight" and isinstance(module, (nn.LayerNorm,)):
                p.uniform_(0.5, 1.5)
            elif pname == "bias" and isinstance(module, (nn.LayerNorm,)):
                p.uniform_(-0.5, 0.5)
    common.randomize_bn(module)
    if prep is not None:
        prep(module)
    t = {}
    # clone: state_dict() values are live views that the train pass updates in place
    t.update({k: v.clone() for k, v in common.state(module).items()})
    x = rnd(*x_shape, scale=scale)
    t["in.x"] = x
    # eval pass
    module.eval()
    xe = x.clone().requires_grad_(True)
    out = module(xe)
    r = torch.randn(*out.shape)
    t["in.r"] = r
    (out * r).sum().backward()
    t["out.eval"] = out
    t["grad.in.x.eval"] = xe.grad
    for k, p in module.named_parameters():
        if p.grad is not None:
            t[f"grad.w.{k}.eval"] = p.grad.clone()
    module.zero_grad()
    # train pass
    module.train()
    xt = x.clone().requires_grad_(True)
    out = module(xt)
    (out * r).sum().backward()
    t["out.train"] = out
    t["grad.in.x"] = xt.grad
    t.update(common.grads(module))
    if steps > 1:
        x2 = rnd(*x_shape, scale=scale)
        t["in.x2"] = x2
        with torch.no_grad():
            module(x2)
    t.update(common.state(module, "after."))
    cfg = {"cls": cls, "args": args, "opts": opts or {}, "steps": steps, "loss": "sum(out * r)"}
    common.write(LAYERS, name, t, cfg)


def bump_rows(m):
    with torch.no_grad():
        m.weight.mul_(3.0)
        m.weight[0].mul_(0.01)  # one row stays under max_norm


def layers():
    # Linear
    case("linear_4_6", nn.Linear(4, 6), (3, 4), "Linear", [4, 6])
    case("linear_5_3_nobias_3d", nn.Linear(5, 3, bias=False), (2, 3, 5), "Linear", [5, 3], {"bias": False})
    case("linear_7_1_4d", nn.Linear(7, 1), (2, 1, 3, 7), "Linear", [7, 1])
    case("linear_1d_input", nn.Linear(3, 2), (3,), "Linear", [3, 2])
    # LinearWithConstraint (eeg.py)
    case("lwc_6_3", LinearWithConstraint(6, 3, max_norm=0.25), (4, 6), "LinearWithConstraint", [6, 3], {"maxNorm": 0.25}, prep=bump_rows)
    case("lwc_5_2_nobias", LinearWithConstraint(5, 2, bias=False, max_norm=1.0), (3, 5), "LinearWithConstraint", [5, 2],
         {"maxNorm": 1.0, "bias": False}, prep=bump_rows)
    # BatchNorm1d
    case("bn1d_3", nn.BatchNorm1d(3), (4, 3), "BatchNorm1d", [3], steps=2)
    case("bn1d_5_eps_mom_3d", nn.BatchNorm1d(5, eps=1e-3, momentum=0.3), (3, 5, 7), "BatchNorm1d", [5],
         {"eps": 1e-3, "momentum": 0.3}, steps=2, scale=2.0)
    case("bn1d_4_noaffine", nn.BatchNorm1d(4, affine=False), (2, 4, 3), "BatchNorm1d", [4], {"affine": False}, steps=2)
    case("bn1d_3_mom_none", nn.BatchNorm1d(3, momentum=None), (5, 3), "BatchNorm1d", [3], {"momentum": None}, steps=2)
    case("bn1d_4_notrack", nn.BatchNorm1d(4, track_running_stats=False), (3, 4, 5), "BatchNorm1d", [4],
         {"trackRunningStats": False}, steps=2)
    # BatchNorm2d
    case("bn2d_3", nn.BatchNorm2d(3), (2, 3, 4, 5), "BatchNorm2d", [3], steps=2)
    case("bn2d_5_eeg", nn.BatchNorm2d(5, eps=1e-3, momentum=0.01), (3, 5, 3, 7), "BatchNorm2d", [5],
         {"eps": 1e-3, "momentum": 0.01}, steps=2, scale=3.0)
    case("bn2d_2_mom_none", nn.BatchNorm2d(2, momentum=None), (4, 2, 3, 3), "BatchNorm2d", [2], {"momentum": None}, steps=2)
    case("bn2d_3_noaffine_notrack", nn.BatchNorm2d(3, affine=False, track_running_stats=False), (2, 3, 5, 4), "BatchNorm2d",
         [3], {"affine": False, "trackRunningStats": False}, steps=2)
    case("bn2d_4_noaffine", nn.BatchNorm2d(4, affine=False), (1, 4, 3, 5), "BatchNorm2d", [4], {"affine": False}, steps=2)
    case("bn2d_1_mom_none_noaffine_notrack_eps", nn.BatchNorm2d(1, eps=0.1, momentum=None, affine=True, track_running_stats=False),
         (3, 1, 2, 3), "BatchNorm2d", [1], {"eps": 0.1, "momentum": None, "trackRunningStats": False}, steps=2)
    # LayerNorm
    case("ln_5", nn.LayerNorm(5), (3, 5), "LayerNorm", [5])
    case("ln_4x6", nn.LayerNorm([4, 6]), (2, 3, 4, 6), "LayerNorm", [[4, 6]])
    case("ln_7_eps_noaffine", nn.LayerNorm(7, eps=1e-3, elementwise_affine=False), (2, 5, 7), "LayerNorm", [7],
         {"eps": 1e-3, "elementwiseAffine": False}, scale=2.0)
    case("ln_3x5_noaffine", nn.LayerNorm([3, 5], elementwise_affine=False), (2, 3, 5), "LayerNorm", [[3, 5]],
         {"elementwiseAffine": False})
    # Shape / activations
    case("flatten", nn.Flatten(), (2, 3, 4, 5), "Flatten", [])
    case("flatten_0", nn.Flatten(0), (2, 3, 4), "Flatten", [0])
    case("flatten_1_2", nn.Flatten(1, 2), (2, 3, 4, 5), "Flatten", [1, 2])
    case("flatten_m3_m2", nn.Flatten(-3, -2), (2, 3, 4, 5), "Flatten", [-3, -2])
    case("identity", nn.Identity(), (3, 5), "Identity", [])
    case("relu", nn.ReLU(), (3, 7), "ReLU", [])
    case("elu", nn.ELU(), (4, 5), "ELU", [], scale=2.0)
    case("elu_alpha", nn.ELU(alpha=0.5), (2, 3, 5), "ELU", [0.5], scale=2.0)
    case("leaky_relu", nn.LeakyReLU(), (3, 5), "LeakyReLU", [])
    case("leaky_relu_02", nn.LeakyReLU(0.2), (2, 7), "LeakyReLU", [0.2])
    case("gelu", nn.GELU(), (3, 9), "GELU", [], scale=3.0)
    case("gelu_tanh", nn.GELU(approximate="tanh"), (2, 3, 5), "GELU", [], {"approximate": "tanh"}, scale=3.0)
    case("sigmoid", nn.Sigmoid(), (3, 5), "Sigmoid", [], scale=3.0)
    case("tanh", nn.Tanh(), (3, 5), "Tanh", [], scale=2.0)
    for d, tag in ((0, "0"), (1, "1"), (-1, "m1"), (2, "2")):
        case(f"softmax_{tag}", nn.Softmax(dim=d), (3, 4, 5), "Softmax", [d], scale=3.0)
        case(f"log_softmax_{tag}", nn.LogSoftmax(dim=d), (3, 4, 5), "LogSoftmax", [d], scale=3.0)
    case("grl", GradientReversal(), (3, 4), "GradientReversal", [])
    case("grl_07", GradientReversal(alpha=0.7), (2, 3, 5), "GradientReversal", [], {"alpha": 0.7})


def ops():
    t = {}
    x = torch.randn(3, 4, 5) * 4
    t["in.x"] = x
    for d in (0, 1, 2, -1, -2, -3):
        for name, fn in (("softmax", torch.softmax), ("log_softmax", torch.log_softmax)):
            xi = x.clone().requires_grad_(True)
            y = fn(xi, d)
            r = torch.randn(*y.shape)
            t[f"in.r.{name}.{d}"] = r
            (y * r).sum().backward()
            t[f"out.{name}.{d}"] = y
            t[f"grad.in.{name}.{d}"] = xi.grad
    g = torch.cat([torch.linspace(-8, 8, 401), torch.randn(99) * 3])
    t["in.g"] = g
    for approx in ("none", "tanh"):
        gi = g.clone().requires_grad_(True)
        y = torch.nn.functional.gelu(gi, approximate=approx)
        y.sum().backward()
        t[f"out.gelu.{approx}"] = y
        t[f"grad.in.gelu.{approx}"] = gi.grad
    t["out.erf"] = torch.erf(g)
    # large-magnitude softmax (stability)
    big = torch.tensor([[1000.0, 1001.0, 1002.0], [-1000.0, -1000.5, 0.0]])
    t["in.big"] = big
    t["out.softmax_big"] = torch.softmax(big, -1)
    t["out.softmax_big0"] = torch.softmax(big, 0)
    t["out.log_softmax_big"] = torch.log_softmax(big, -1)
    common.write(OPS, "ops", t, {"loss": "sum(out * r)", "gelu_loss": "sum(out)"})


if __name__ == "__main__":
    layers()
    ops()
