"""Random-configuration sweep of @nnkit/nn layers against torch.nn (PyTorch 1.13).

Draws COUNT random configurations of each layer kind — Conv1d/Conv2d (stride, int/tuple/'same'/
'valid' padding, dilation, groups, bias, padding_mode), Max/AvgPool1d/2d (stride, padding,
dilation, ceil_mode, count_include_pad, divisor_override), adaptive pools, BatchNorm1d/2d
(affine, track_running_stats, momentum incl. None, eps), LayerNorm, Linear, ELU, LeakyReLU,
GELU, Softmax/LogSoftmax, Flatten — with odd sizes, and writes one safetensors case per layer
into OUT (same content as common.model_case, plus the float64 results under f64.*). The config
holds the torch class name, its positional args and keyword args (PyTorch names); the nnkit side
(packages/nn/src/layers/sweep.test.ts) builds the layer of the same name with the keywords in
camelCase. Run both with `tooling/parity/sweep nn SEED COUNT`.

Usage: sweep_nn.py OUT [SEED] [COUNT]
"""
import json
import os
import random
import sys

import torch

import common
from safetensors_io import save

OUT = sys.argv[1]
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 0
COUNT = int(sys.argv[3]) if len(sys.argv) > 3 else 10
MODES = ["zeros", "zeros", "reflect", "replicate", "circular"]


def case(name, cls, args, kwargs, in_shape, seed):
    ctor = lambda: getattr(torch.nn, cls)(*args, **kwargs)  # noqa: E731
    try:
        tensors = common.model_case(ctor, in_shape, seed)
        exact = common.model_case(ctor, in_shape, seed, dtype=torch.float64)
    except (ValueError, RuntimeError) as e:
        print("skip", name, cls, args, kwargs, in_shape, str(e).splitlines()[0])
        return
    out = {k: v.detach().contiguous() for k, v in tensors.items()}
    out.update({"f64." + k: v.detach().contiguous() for k, v in exact.items() if k.startswith(("out.", "grad."))})
    config = dict(cls=cls, args=args, kwargs=kwargs, input_shape=list(in_shape))
    save(out, os.path.join(OUT, name + ".safetensors"), metadata={"config": json.dumps(config)})


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(SEED)
    r = rng.randint
    pick = rng.choice
    for i in range(COUNT):
        seed = 1000 * SEED + i
        for nd in (1, 2):
            sp = [r(1, 12) for _ in range(nd)]
            # convolution
            g = pick([1, 1, 2, 3])
            cin, cout = g * r(1, 3), g * r(1, 3)
            k = [r(1, 5) for _ in range(nd)]
            d = [pick([1, 1, 2]) for _ in range(nd)]
            pad = pick(["same", "valid", "int", "tuple"])
            s = [1] * nd if pad == "same" else [pick([1, 1, 2, 3]) for _ in range(nd)]
            kw = dict(stride=s if nd == 2 else s[0], dilation=d if nd == 2 else d[0], groups=g, bias=rng.random() < 0.6)
            if pad in ("same", "valid"):
                kw["padding"] = pad
            elif pad == "int":
                kw["padding"] = r(0, 2)
            else:
                kw["padding"] = [r(0, 2) for _ in range(nd)] if nd == 2 else r(0, 2)
            mode = pick(MODES)
            if mode != "zeros":
                kw["padding_mode"] = mode
            # input at least as large as the dilated kernel (and the padding, for reflect)
            xs = [max(sp[j], (k[j] - 1) * d[j] + 1, 3) for j in range(nd)]
            case(f"conv{nd}d-{i}", f"Conv{nd}d", [cin, cout, k if nd == 2 else k[0]], kw, (r(1, 3), cin, *xs), seed)
            # pooling
            k = [r(1, 4) for _ in range(nd)]
            kwp = dict(stride=pick([None, [pick([1, 2, 3]) for _ in range(nd)]]), padding=[r(0, kk // 2) for kk in k],
                       ceil_mode=rng.random() < 0.5)
            if nd == 1:
                kwp = {a: (b[0] if isinstance(b, list) else b) for a, b in kwp.items()}
            kwm = dict(kwp, dilation=1 if nd == 1 else [1, 1])
            if rng.random() < 0.4:
                dd = [pick([1, 2]) for _ in range(nd)]
                kwm["dilation"] = dd if nd == 2 else dd[0]
            xs = [r(4, 13) for _ in range(nd)]
            kk = k if nd == 2 else k[0]
            case(f"maxpool{nd}d-{i}", f"MaxPool{nd}d", [kk], kwm, (r(1, 3), r(1, 4), *xs), seed)
            kwa = dict(kwp, count_include_pad=rng.random() < 0.5)
            if nd == 2 and rng.random() < 0.3:
                kwa["divisor_override"] = r(1, 5)
            case(f"avgpool{nd}d-{i}", f"AvgPool{nd}d", [kk], kwa, (r(1, 3), r(1, 4), *xs), seed)
            osz = [r(1, 7) for _ in range(nd)]
            for kind in ("Avg", "Max"):
                case(f"adaptive{kind.lower()}{nd}d-{i}", f"Adaptive{kind}Pool{nd}d", [osz if nd == 2 else osz[0]], {},
                     (r(1, 3), r(1, 4), *[r(1, 13) for _ in range(nd)]), seed)
            # batch norm
            c = r(1, 5)
            kwb = dict(eps=pick([1e-5, 1e-3, 0.1]), momentum=pick([0.1, 0.01, None, 0.5]), affine=rng.random() < 0.7,
                       track_running_stats=rng.random() < 0.8)
            shape = (r(2, 4), c, r(1, 6)) if nd == 1 and rng.random() < 0.7 else ((r(2, 6), c) if nd == 1 else (r(1, 3), c, r(1, 5), r(1, 5)))
            case(f"batchnorm{nd}d-{i}", f"BatchNorm{nd}d", [c], kwb, shape, seed)
        # layer norm, linear, activations, flatten
        shape = (r(1, 3), r(1, 4), r(1, 5), r(2, 6))
        nshape = list(shape[-r(1, 3):])
        case(f"layernorm-{i}", "LayerNorm", [nshape], dict(eps=pick([1e-5, 1e-3]), elementwise_affine=rng.random() < 0.7), shape, seed)
        fin, fout = r(1, 9), r(1, 9)
        case(f"linear-{i}", "Linear", [fin, fout], dict(bias=rng.random() < 0.7), (r(1, 3), r(1, 3), fin), seed)
        case(f"elu-{i}", "ELU", [pick([1.0, 0.5, 2.0])], {}, shape, seed)
        case(f"leakyrelu-{i}", "LeakyReLU", [pick([0.01, 0.2, -0.3])], {}, shape, seed)
        case(f"gelu-{i}", "GELU", [], dict(approximate=pick(["none", "tanh"])), shape, seed)
        dim = r(-4, 3)
        case(f"softmax-{i}", "Softmax", [dim], {}, shape, seed)
        case(f"logsoftmax-{i}", "LogSoftmax", [dim], {}, shape, seed)
        s0 = r(0, 2)
        case(f"flatten-{i}", "Flatten", [s0, r(s0, 3)], {}, shape, seed)
    n = len([f for f in os.listdir(OUT) if f.endswith(".safetensors")])
    print(f"wrote {n} cases to {OUT}")


main()
