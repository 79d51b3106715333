"""One parity case of an attention module (shared by generators/gen_attention.py and
sweeps/sweep_attention.py). Conventions of common.py, plus:

  in.<name>            every input, in call order (config["inputs"]); float inputs get gradients
  out.eval / out.train the module's output (MultiheadAttention: the attention output)
  out.eval.weights     MultiheadAttention's returned weights (out.train.weights in train mode)
  in.r / in.rw         loss weights: loss = sum(out.train * in.r) [+ sum(out.train.weights * in.rw)]
  f64.<key>            the same case in float64 (with_f64=True), for ill-conditioned comparisons
"""
import torch

import common


def _prepare(m, seed, gamma):
    g = torch.Generator().manual_seed(seed + 1000)
    common.randomize_bn(m, g)
    with torch.no_grad():
        for name, p in m.named_parameters():
            if name.split(".")[-1] == "gamma":
                p.uniform_(gamma[0], gamma[1], generator=g)


def _disable_dropout(m):
    for mod in m.modules():
        if isinstance(mod, torch.nn.Dropout):
            mod.p = 0.0
        if isinstance(mod, torch.nn.MultiheadAttention):
            mod.dropout = 0.0


def _split(y):
    if isinstance(y, tuple):
        return y[0], y[1]
    return y, None


def _run(m, inputs, call, dtype, r, rw, prefix):
    """Eval then train forward (+ backward) of `m` (already in dtype) on inputs cast to dtype."""
    cast = {k: (v.to(dtype) if v.is_floating_point() else v) for k, v in inputs.items()}
    out = {}
    m.eval()
    with torch.no_grad():
        y, w = _split(call(m, **cast))
    out[prefix + "out.eval"] = y
    if w is not None:
        out[prefix + "out.eval.weights"] = w
    _disable_dropout(m)
    m.train()
    req = {k: (v.clone().requires_grad_(True) if v.is_floating_point() else v) for k, v in cast.items()}
    y, w = _split(call(m, **req))
    if r is None:
        r = torch.randn(y.shape)
        rw = torch.randn(w.shape) if w is not None else None
    loss = (y * r.to(dtype)).sum()
    if w is not None:
        loss = loss + (w * rw.to(dtype)).sum()
    loss.backward()
    out[prefix + "out.train"] = y.detach()
    if w is not None:
        out[prefix + "out.train.weights"] = w.detach()
    for k, v in req.items():
        if v.is_floating_point():
            out[prefix + "grad.in." + k] = v.grad
    out.update(common.grads(m, prefix + "grad.w."))
    return out, r, rw


def module_case(ctor, inputs, seed, call=None, gamma=(0.3, 1.0), with_f64=False):
    """Builds ctor() under `seed` (non-trivial BN statistics, every `gamma` drawn from `gamma`),
    runs eval and train (dropout disabled) forwards on `inputs` (a dict in call order) with
    `call(module, **inputs)` (default: positional), and returns the fixture tensors."""
    torch.manual_seed(seed)
    m = ctor()
    _prepare(m, seed, gamma)
    if call is None:
        def call(mod, **kw):
            return mod(*kw.values())
    tensors = {**common.state(m)}
    for k, v in inputs.items():
        tensors["in." + k] = v
    m64 = None
    if with_f64:
        import copy
        m64 = copy.deepcopy(m).double()
    res, r, rw = _run(m, inputs, call, torch.float32, None, None, "")
    tensors.update(res)
    tensors["in.r"] = r
    if rw is not None:
        tensors["in.rw"] = rw
    tensors.update(common.state(m, "after."))
    if m64 is not None:
        res64, _, _ = _run(m64, inputs, call, torch.float64, r, rw, "f64.")
        tensors.update(res64)
    return tensors
