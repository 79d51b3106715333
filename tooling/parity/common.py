"""Shared helpers for the parity fixture generators (Debian python3-torch, PyTorch 1.13).

Every generator in generators/gen_*.py imports this module, builds reference modules from
../shared/reference (or torch.nn), and writes safetensors fixtures next to the TypeScript code
they check (packages/<pkg>/src/<area>/__fixtures__/<name>.safetensors).

Naming convention inside a fixture file:
  w.<state_dict key>        weights / buffers loaded into the nnkit module (PyTorch layout)
  in.<name>                 inputs
  out.<name>                outputs (eval / train variants named e.g. out.eval, out.train)
  grad.in.<name>            gradient of the scalar loss w.r.t. an input
  grad.w.<param name>       gradient w.r.t. a parameter
  after.<state_dict key>    state after the step (e.g. BN running stats, optimizer step)
The __metadata__ entry "config" holds the JSON of the constructor arguments and anything else
the test needs (the scalar loss used for gradients is documented there as "loss").
"""
import json
import os
import sys

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED = os.environ.get("NNKIT_SHARED", os.path.abspath(os.path.join(ROOT, "..", "shared")))
sys.path.insert(0, os.path.join(SHARED, "reference"))

from safetensors_io import save  # noqa: E402  (the reference writer)

torch.set_num_threads(1)


def fixture_dir(rel):
    """Absolute path of packages/<...>/__fixtures__ given 'packages/nn/src/layers/conv'."""
    d = os.path.join(ROOT, rel, "__fixtures__")
    os.makedirs(d, exist_ok=True)
    return d


def write(rel, name, tensors, config=None):
    """Writes <rel>/__fixtures__/<name>.safetensors; float64 tensors are stored as float32."""
    out = {}
    for k, v in tensors.items():
        v = v.detach().contiguous()
        if v.dtype == torch.float64:
            v = v.float()
        out[k] = v
    meta = {"config": json.dumps(config or {})}
    path = os.path.join(fixture_dir(rel), name + ".safetensors")
    save(out, path, metadata=meta)
    return path


def randomize_bn(module, generator=None):
    """Gives every batch norm non-trivial running statistics and affine parameters."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
                if m.running_mean is not None:
                    m.running_mean.uniform_(-0.5, 0.5, generator=generator)
                    m.running_var.uniform_(0.5, 2.0, generator=generator)
                if m.weight is not None:
                    m.weight.uniform_(0.5, 1.5, generator=generator)
                    m.bias.uniform_(-0.5, 0.5, generator=generator)


def state(module, prefix="w."):
    """A snapshot (clones) of the state_dict: later in-place updates do not leak into it."""
    return {prefix + k: v.detach().clone() for k, v in module.state_dict().items()}


def grads(module, prefix="grad.w."):
    return {prefix + k: p.grad.detach().clone() for k, p in module.named_parameters() if p.grad is not None}


def model_case(ctor, in_shape, seed, weight_scale=3.0, dtype=torch.float32, x_scale=1.0, x_shift=0.0):
    """Builds `ctor()` under `seed` with non-trivial batch-norm statistics and weights scaled by
    `weight_scale` (so that max-norm constraints bite), and returns the tensors of a whole-model
    parity case: the state (w.), input (in.x), eval output (out.eval; the eval forward renorms
    constrained weights in place, as the reference does), then, in train mode with every dropout
    disabled, the output (out.train), the loss weights in.r of sum(out.train * in.r), the input
    and parameter gradients and the state after the step (after.). With dtype=torch.float64 the
    same case (same weights, inputs and in.r) is computed in double precision. The input is
    randn · x_scale + x_shift (e.g. raw microvolts with a DC offset)."""
    torch.manual_seed(seed)
    m = ctor()
    randomize_bn(m)
    with torch.no_grad():
        for p in m.parameters():
            if p.dim() > 1:
                p.mul_(weight_scale)
    m = m.to(dtype).eval()
    x = torch.randn(*in_shape)
    if x_scale != 1.0 or x_shift != 0.0:
        x = x * x_scale + x_shift
    x = x.to(dtype)
    with torch.no_grad():
        y_eval = m(x)
    tensors = {**state(m), "in.x": x, "out.eval": y_eval}
    for mod in m.modules():
        if isinstance(mod, torch.nn.Dropout):
            mod.p = 0.0
    m.train()
    xg = x.clone().requires_grad_(True)
    y = m(xg)
    r = torch.randn(y.shape).to(dtype)
    (y * r).sum().backward()
    tensors.update({"out.train": y.detach(), "in.r": r, "grad.in.x": xg.grad})
    tensors.update(grads(m))
    tensors.update(state(m, "after."))
    return tensors
