"""Parity fixtures for convolution / pooling ops (packages/tensor) and layers (packages/nn).

Op fixtures (packages/tensor/src/ops/conv/__fixtures__/<group>.safetensors): one file per group,
each case `c<i>` stores `c<i>.in.x`, `c<i>.w.weight`, `c<i>.w.bias` (when used), `c<i>.out`,
`c<i>.grad.in.x`, `c<i>.grad.w.weight`, `c<i>.grad.w.bias`; config = list of
{"op": name, "kwargs": {...}} in case order. loss = sum(out * c<i>.in.r) with a fixed random r.
"""
import torch
import torch.nn.functional as F

import common

torch.manual_seed(0)
TENSOR = "packages/tensor/src/ops/conv"
NN = "packages/nn/src/layers/conv"


def case(tensors, cases, op, fn, x, params, kwargs):
    i = len(cases)
    p = "c%d." % i
    x = x.clone().requires_grad_(True)
    ps = {k: (v.clone().requires_grad_(True) if v is not None else None) for k, v in params.items()}
    out = fn(x, **ps, **kwargs)
    r = torch.randn_like(out)
    (out * r).sum().backward()
    tensors[p + "in.x"] = x
    tensors[p + "in.r"] = r
    tensors[p + "out"] = out
    tensors[p + "grad.in.x"] = x.grad
    for k, v in ps.items():
        if v is not None:
            tensors[p + "w." + k] = v
            tensors[p + "grad.w." + k] = v.grad
    cases.append({"id": "c%d" % i, "op": op, "kwargs": kwargs, "params": [k for k, v in ps.items() if v is not None]})


def conv_cases():
    t, c = {}, []
    r = torch.randn

    def cv1(b, cin, T, cout, k, bias=True, groups=1, **kw):
        case(t, c, "conv1d", lambda x, weight, bias=None, **a: F.conv1d(x, weight, bias, **a),
             r(b, cin, T), {"weight": r(cout, cin // groups, k) * 0.5, "bias": r(cout) if bias else None},
             dict(groups=groups, **kw))

    def cv2(b, cin, H, W, cout, k, bias=True, groups=1, **kw):
        kk = k if isinstance(k, tuple) else (k, k)
        case(t, c, "conv2d", lambda x, weight, bias=None, **a: F.conv2d(x, weight, bias, **a),
             r(b, cin, H, W), {"weight": r(cout, cin // groups, *kk) * 0.5, "bias": r(cout) if bias else None},
             dict(groups=groups, **kw))

    cv1(2, 3, 11, 4, 3)
    cv1(2, 3, 17, 5, 4, stride=2, padding=1)
    cv1(1, 2, 23, 3, 3, stride=3, padding=2, bias=False)
    cv1(2, 3, 19, 4, 3, dilation=2, padding=2)
    cv1(2, 4, 37, 4, 4, dilation=4, padding=6)
    cv1(2, 3, 20, 3, 4, dilation=2, padding="same")
    cv1(2, 3, 13, 6, 5, padding="same")
    cv1(2, 3, 14, 4, 4, padding="valid")
    cv1(2, 4, 15, 6, 3, groups=2, padding=1)
    cv1(2, 4, 16, 8, 3, groups=4, dilation=2, padding="same")
    cv1(2, 4, 21, 8, 3, groups=4, stride=2, dilation=2)
    cv1(1, 3, 9, 2, 2, stride=2, dilation=3, padding=4)
    cv2(2, 3, 9, 10, 4, 3)
    cv2(2, 3, 11, 12, 5, (2, 3), stride=(2, 1), padding=(1, 0))
    cv2(1, 2, 13, 14, 3, 3, stride=3, padding=2, bias=False)
    cv2(2, 2, 10, 12, 3, (3, 2), dilation=(2, 3), padding=(2, 1))
    cv2(2, 3, 8, 9, 4, (4, 2), padding="same")
    cv2(2, 2, 8, 12, 3, (2, 4), dilation=(2, 2), padding="same")
    cv2(2, 3, 7, 7, 4, (3, 3), padding="valid")
    cv2(2, 4, 9, 9, 6, 3, groups=2, padding=1)
    cv2(2, 6, 9, 8, 6, 3, groups=3, stride=2, dilation=2, padding=(1, 2))
    cv2(2, 8, 22, 7, 16, (22, 1), groups=8, bias=False)  # EEGNet spatial depthwise, multiplier 2
    cv2(2, 5, 6, 17, 5, (1, 16), groups=5, padding="same", bias=False)  # separable depthwise
    cv2(2, 4, 7, 9, 8, 3, groups=4, stride=2, dilation=2, padding=2)
    cv2(1, 3, 12, 13, 6, (3, 2), groups=3, stride=(3, 2), padding=(2, 1))
    cv2(2, 1, 5, 40, 8, (1, 32), padding="same", bias=False)  # EEGNet temporal conv
    cv2(2, 3, 6, 6, 1, 3, padding=1)
    cv2(1, 2, 5, 5, 3, 3, padding=4)  # padding larger than the effective kernel

    # causal (left padding on the time axis)
    def causal1(b, cin, T, cout, k, d, bias=True):
        w = r(cout, cin, k) * 0.5
        bb = r(cout) if bias else None
        case(t, c, "causalConv1d", lambda x, weight, bias=None, dilation=1: F.conv1d(F.pad(x, ((k - 1) * dilation, 0)), weight, bias, dilation=dilation),
             r(b, cin, T), {"weight": w, "bias": bb}, dict(dilation=d))

    def causal2(b, cin, H, T, cout, kk, d, bias=True):
        w = r(cout, cin, *kk) * 0.5
        case(t, c, "causalConv2d", lambda x, weight, bias=None, dilation=(1, 1): F.conv2d(F.pad(x, ((kk[1] - 1) * dilation[1], 0)), weight, bias, dilation=dilation),
             r(b, cin, H, T), {"weight": w, "bias": r(cout) if bias else None}, dict(dilation=d))

    causal1(2, 3, 15, 4, 3, 1)
    causal1(2, 3, 25, 4, 4, 4, bias=False)
    causal2(2, 2, 3, 14, 3, (2, 3), (1, 2))
    split(t, c, lambda cc: "1d" in cc["op"], "conv1d_ops", "conv2d_ops")


def split(t, c, pred, name_a, name_b):
    for name, keep in ((name_a, True), (name_b, False)):
        cs = [cc for cc in c if pred(cc) == keep]
        ids = {cc["id"] + "." for cc in cs}
        common.write(TENSOR, name, {k: v for k, v in t.items() if k[: k.index(".") + 1] in ids}, cs)


def pool_cases():
    t, c = {}, []
    r = torch.randn

    def p(op, fn, shape, **kw):
        case(t, c, op, lambda x, **a: fn(x, **a), r(*shape), {}, kw)

    p("maxPool1d", F.max_pool1d, (2, 3, 11), kernel_size=3)
    p("maxPool1d", F.max_pool1d, (2, 3, 12), kernel_size=3, stride=2, padding=1, ceil_mode=True)
    p("maxPool1d", F.max_pool1d, (2, 2, 10), kernel_size=4, stride=3, padding=2, ceil_mode=True)
    p("maxPool1d", F.max_pool1d, (2, 2, 13), kernel_size=3, stride=2, dilation=2, padding=1)
    p("maxPool2d", F.max_pool2d, (2, 3, 9, 10), kernel_size=2)
    p("maxPool2d", F.max_pool2d, (2, 3, 9, 11), kernel_size=(3, 2), stride=(2, 3), padding=(1, 1), ceil_mode=True)
    p("maxPool2d", F.max_pool2d, (2, 2, 7, 7), kernel_size=3, stride=1, padding=1)
    p("maxPool2d", F.max_pool2d, (1, 2, 10, 9), kernel_size=3, stride=2, dilation=(2, 1), padding=1, ceil_mode=True)
    p("maxPool2d", F.max_pool2d, (2, 2, 5, 14), kernel_size=(1, 4), stride=(1, 4), ceil_mode=True)
    p("avgPool1d", F.avg_pool1d, (2, 3, 11), kernel_size=3)
    p("avgPool1d", F.avg_pool1d, (2, 3, 12), kernel_size=3, stride=2, padding=1, ceil_mode=True)
    p("avgPool1d", F.avg_pool1d, (2, 3, 12), kernel_size=4, stride=3, padding=2, ceil_mode=True, count_include_pad=False)
    p("avgPool2d", F.avg_pool2d, (2, 3, 9, 10), kernel_size=2)
    p("avgPool2d", F.avg_pool2d, (2, 3, 9, 11), kernel_size=(3, 2), stride=(2, 3), padding=(1, 1), ceil_mode=True)
    p("avgPool2d", F.avg_pool2d, (2, 3, 9, 11), kernel_size=(3, 2), stride=(2, 3), padding=(1, 1), ceil_mode=True, count_include_pad=False)
    p("avgPool2d", F.avg_pool2d, (2, 2, 8, 13), kernel_size=3, stride=2, padding=1, divisor_override=5)
    p("avgPool2d", F.avg_pool2d, (2, 2, 3, 37), kernel_size=(1, 8))  # EEGNet pool, non-divisible
    p("avgPool2d", F.avg_pool2d, (2, 2, 7, 7), kernel_size=3, stride=1, padding=1, count_include_pad=False)
    p("adaptiveAvgPool1d", F.adaptive_avg_pool1d, (2, 3, 10), output_size=4)
    p("adaptiveAvgPool1d", F.adaptive_avg_pool1d, (2, 3, 5), output_size=7)
    p("adaptiveAvgPool1d", F.adaptive_avg_pool1d, (2, 3, 12), output_size=3)
    p("adaptiveAvgPool2d", F.adaptive_avg_pool2d, (2, 3, 10, 9), output_size=(4, 5))
    p("adaptiveAvgPool2d", F.adaptive_avg_pool2d, (2, 3, 7, 5), output_size=(3, 8))
    p("adaptiveAvgPool2d", F.adaptive_avg_pool2d, (2, 3, 6, 6), output_size=1)
    p("adaptiveMaxPool1d", F.adaptive_max_pool1d, (2, 3, 10), output_size=4)
    p("adaptiveMaxPool1d", F.adaptive_max_pool1d, (2, 3, 5), output_size=7)
    p("adaptiveMaxPool2d", F.adaptive_max_pool2d, (2, 3, 10, 9), output_size=(4, 5))
    p("adaptiveMaxPool2d", F.adaptive_max_pool2d, (2, 3, 7, 5), output_size=(3, 8))
    p("adaptiveMaxPool2d", F.adaptive_max_pool2d, (2, 3, 8, 8), output_size=(2, 4))
    split(t, c, lambda cc: "adaptive" in cc["op"], "adaptive_pool_ops", "pool_ops")


def layer_cases():
    import eeg  # ../shared/reference/eeg.py

    t, c = {}, []
    nn = torch.nn

    def lay(cls, args, kwargs, mod, x):
        i = len(c)
        p = "c%d." % i
        with torch.no_grad():
            for prm in mod.parameters():
                prm.mul_(3.0)  # push filter norms above max_norm for the constrained layers
        for k, v in mod.state_dict().items():
            t[p + "w." + k] = v.clone()
        x = x.clone().requires_grad_(True)
        out = mod(x)
        r = torch.randn_like(out)
        (out * r).sum().backward()
        t[p + "in.x"] = x
        t[p + "in.r"] = r
        t[p + "out"] = out
        t[p + "grad.in.x"] = x.grad
        for k, prm in mod.named_parameters():
            t[p + "grad.w." + k] = prm.grad
            t[p + "after." + k] = prm.detach().clone()
        c.append({"id": "c%d" % i, "cls": cls, "args": args, "kwargs": kwargs})

    r = torch.randn
    lay("Conv1d", [5, 6, 4], {"dilation": 2, "padding": 3}, nn.Conv1d(5, 6, 4, dilation=2, padding=3), r(2, 5, 19))
    lay("Conv1d", [4, 4, 3], {"dilation": 4, "padding": 8, "bias": False}, nn.Conv1d(4, 4, 3, dilation=4, padding=8, bias=False), r(2, 4, 23))
    lay("Conv2d", [3, 4, [3, 2]], {"stride": 2, "padding": "valid"}, nn.Conv2d(3, 4, (3, 2), stride=2, padding="valid"), r(2, 3, 9, 8))
    lay("Conv2dWithConstraint", [8, 16, [22, 1]], {"groups": 8, "bias": False, "max_norm": 1.0},
        eeg.Conv2dWithConstraint(8, 16, (22, 1), groups=8, bias=False, max_norm=1.0), r(2, 8, 22, 9))
    lay("Conv1dWithConstraint", [3, 5, 3], {"padding": 1, "max_norm": 0.5},
        eeg.Conv1dWithConstraint(3, 5, 3, padding=1, max_norm=0.5), r(2, 3, 11))
    lay("Conv2dWithConstraint", [4, 4, [1, 5]], {"groups": 4, "padding": "same", "bias": False, "max_norm": 0.25},
        eeg.Conv2dWithConstraint(4, 4, (1, 5), groups=4, padding="same", bias=False, max_norm=0.25), r(2, 4, 3, 12))
    # padding_mode other than zeros (explicit F.pad, then an unpadded convolution); own seed and
    # fork_rng, so the op fixtures drawn after this keep their random values
    with torch.random.fork_rng():
        torch.manual_seed(21)
        lay("Conv1d", [3, 4, 3], {"padding": 2, "padding_mode": "reflect"}, nn.Conv1d(3, 4, 3, padding=2, padding_mode="reflect"), r(2, 3, 9))
        lay("Conv1d", [2, 2, 4], {"padding": "same", "padding_mode": "reflect"}, nn.Conv1d(2, 2, 4, padding="same", padding_mode="reflect"), r(2, 2, 10))
        lay("Conv2d", [2, 4, [3, 2]], {"stride": [2, 1], "padding": [1, 1], "padding_mode": "replicate", "bias": False},
            nn.Conv2d(2, 4, (3, 2), stride=(2, 1), padding=(1, 1), padding_mode="replicate", bias=False), r(2, 2, 7, 6))
        lay("Conv2d", [4, 4, 3], {"padding": "same", "dilation": 2, "groups": 2, "padding_mode": "circular"},
            nn.Conv2d(4, 4, 3, padding="same", dilation=2, groups=2, padding_mode="circular"), r(1, 4, 6, 7))
    common.write(NN, "conv_layers", t, c)


if __name__ == "__main__":
    layer_cases()
    conv_cases()
    pool_cases()
