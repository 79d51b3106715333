"""Parity fixtures for @nnkit/train optimizers, gradient clipping and LR schedulers (PyTorch 1.13).

optim/__fixtures__/<case>.safetensors:
  in.p<i>            initial values of three parameters of odd shapes
  grad.<s>.p<i>      gradient fed at step s (1..10); absent when the parameter has no grad at s
  after.<s>.p<i>     parameter values after step s
  state5.<i>.<key>   optimizer.state_dict()['state'] after 5 steps (tensors; 'step' in config)
  config: {optimizer, defaults, groups: [{params: [i...], ...options}], steps, state5_steps}
optim/__fixtures__/clip.safetensors:
  in.g<i>, out.<case>.g<i>; config: {cases: [{name, max_norm, norm_type, total_norm}]}
schedulers/__fixtures__/schedulers.safetensors: config {cases: [...]} with the lr (and momentum)
  sequences of every scheduler, exact doubles in JSON.
"""
import math

import torch

import common

OPT_REL = "packages/train/src/optim"
SCHED_REL = "packages/train/src/schedulers"
SHAPES = [(3, 5), (7,), (2, 3, 4)]
STEPS = 10


def make_params(seed):
    g = torch.Generator().manual_seed(seed)
    return [torch.nn.Parameter(torch.randn(*s, generator=g)) for s in SHAPES]


def make_grads(seed):
    g = torch.Generator().manual_seed(seed + 1000)
    out = []
    for s in range(1, STEPS + 1):
        step = []
        for i, shp in enumerate(SHAPES):
            # parameter 1 has no gradient at step 3 (PyTorch skips it)
            if i == 1 and s == 3:
                step.append(None)
            else:
                step.append(torch.randn(*shp, generator=g) * (0.5 + 0.3 * s))
        out.append(step)
    return out


CASES = [
    ("sgd_plain", torch.optim.SGD, dict(lr=0.1), dict(lr=0.03)),
    ("sgd_momentum", torch.optim.SGD, dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01), dict(lr=0.02, weight_decay=0.1)),
    ("sgd_nesterov", torch.optim.SGD, dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=1e-3, maximize=True), dict(lr=0.01)),
    ("adam", torch.optim.Adam, dict(lr=1e-2), dict(lr=3e-3)),
    ("adam_amsgrad_wd", torch.optim.Adam, dict(lr=2e-2, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1, amsgrad=True), dict(lr=5e-3, betas=(0.5, 0.9))),
    ("adam_maximize", torch.optim.Adam, dict(lr=1e-2, maximize=True, weight_decay=0.05), dict(lr=1e-3)),
    ("adamw", torch.optim.AdamW, dict(lr=1e-2), dict(lr=3e-3, weight_decay=0.2)),
    ("adamw_amsgrad_max", torch.optim.AdamW, dict(lr=2e-2, weight_decay=0.1, amsgrad=True, maximize=True, eps=1e-4), dict(lr=1e-2)),
    ("rmsprop", torch.optim.RMSprop, dict(lr=1e-2), dict(lr=3e-3)),
    ("rmsprop_centered_momentum", torch.optim.RMSprop, dict(lr=1e-2, alpha=0.9, eps=1e-6, weight_decay=0.05, momentum=0.7, centered=True), dict(lr=2e-3)),
    ("rmsprop_centered", torch.optim.RMSprop, dict(lr=5e-3, centered=True, maximize=True), dict(lr=1e-3, alpha=0.5)),
    ("rmsprop_momentum", torch.optim.RMSprop, dict(lr=5e-3, momentum=0.9), dict(lr=1e-3, momentum=0.5)),
]


def jsonable(v):
    if isinstance(v, tuple):
        return list(v)
    return v


def optim_case(rel, name, ci, cls, defaults, g1):
    """Ten steps of `cls` on two param groups (the second with `g1`'s overrides) from seed `ci`,
    with a step where one parameter has no gradient; writes <rel>/__fixtures__/<name>.safetensors."""
    params = make_params(ci)
    grads = make_grads(ci)
    tensors = {f"in.p{i}": p.detach().clone() for i, p in enumerate(params)}
    opt = cls([{"params": params[:2]}, {"params": params[2:], **g1}], **defaults)
    step5 = {}
    for s in range(1, STEPS + 1):
        opt.zero_grad(set_to_none=True)
        for i, (p, gr) in enumerate(zip(params, grads[s - 1])):
            if gr is not None:
                p.grad = gr.clone()
                tensors[f"grad.{s}.p{i}"] = gr
        opt.step()
        for i, p in enumerate(params):
            tensors[f"after.{s}.p{i}"] = p.detach().clone()
        if s == 5:
            sd = opt.state_dict()
            for pi, st in sd["state"].items():
                for k, v in st.items():
                    if k == "step":
                        step5[str(pi)] = float(v)
                    elif v is not None:
                        tensors[f"state5.{pi}.{k}"] = v.clone()
    config = {
        "optimizer": cls.__name__,
        "defaults": {k: jsonable(v) for k, v in defaults.items()},
        "groups": [{"params": [0, 1]}, {"params": [2], **{k: jsonable(v) for k, v in g1.items()}}],
        "steps": STEPS,
        "state5_steps": step5,
        "param_groups5": [
            {k: jsonable(v) for k, v in g.items()} for g in opt.state_dict()["param_groups"]
        ],
    }
    common.write(rel, name, tensors, config)


def gen_optim():
    for ci, (name, cls, defaults, g1) in enumerate(CASES):
        optim_case(OPT_REL, name, ci, cls, defaults, g1)


def gen_clip():
    g = torch.Generator().manual_seed(7)
    base = [torch.randn(*s, generator=g) for s in SHAPES]
    tensors = {f"in.g{i}": t for i, t in enumerate(base)}
    cases = []
    for cname, max_norm, norm_type in [("l2", 1.0, 2.0), ("l2_big", 100.0, 2.0), ("inf", 0.5, math.inf), ("l1", 2.0, 1.0), ("l3", 0.7, 3.0)]:
        ps = [torch.nn.Parameter(torch.zeros(*s)) for s in SHAPES]
        for p, t in zip(ps, base):
            p.grad = t.clone()
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
        for i, p in enumerate(ps):
            tensors[f"out.{cname}.g{i}"] = p.grad.clone()
        cases.append({"name": cname, "max_norm": max_norm, "norm_type": "inf" if norm_type == math.inf else norm_type, "total_norm": float(total)})
    ps = [torch.nn.Parameter(torch.zeros(*s)) for s in SHAPES]
    for p, t in zip(ps, base):
        p.grad = t.clone()
    torch.nn.utils.clip_grad_value_(ps, 0.3)
    for i, p in enumerate(ps):
        tensors[f"out.value.g{i}"] = p.grad.clone()
    common.write(OPT_REL, "clip", tensors, {"cases": cases, "clip_value": 0.3})


def sched_case(name, opt_kind, make, steps, metrics=None, extra=None):
    p = [torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(3))]
    if opt_kind == "sgd":
        opt = torch.optim.SGD([{"params": [p[0]]}, {"params": [p[1]], "lr": 0.05}], lr=0.1, momentum=0.9)
    else:
        opt = torch.optim.Adam([{"params": [p[0]]}, {"params": [p[1]], "lr": 0.05}], lr=0.1, betas=(0.9, 0.999))
    sched = make(opt)

    def mom(group):
        return group["betas"][0] if "betas" in group else group["momentum"]

    lrs = [[g["lr"] for g in opt.param_groups]]
    moms = [[mom(g) for g in opt.param_groups]]
    mid = None
    for s in range(steps):
        opt.step()
        if metrics is not None:
            sched.step(metrics[s])
        else:
            sched.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        moms.append([mom(g) for g in opt.param_groups])
        if s == steps // 2 - 1:
            sd = sched.state_dict()
            mid = {k: (v if not isinstance(v, float) or math.isfinite(v) else str(v)) for k, v in sd.items()
                   if isinstance(v, (int, float, list, str, bool)) or v is None}
    case = {"name": name, "optimizer": opt_kind, "steps": steps, "lrs": lrs, "momentums": moms, "mid_state": mid}
    if metrics is not None:
        case["metrics"] = metrics
    case.update(extra or {})
    return case


def gen_schedulers():
    S = torch.optim.lr_scheduler
    metrics = [1.0, 0.9, 0.95, 0.95, 0.96, 0.97, 0.97, 0.85, 0.86, 0.86, 0.87, 0.88, 0.88, 0.9, 0.9, 0.9, 0.91, 0.7, 0.7, 0.7, 0.71, 0.72, 0.73, 0.74, 0.75]
    cases = [
        sched_case("step", "sgd", lambda o: S.StepLR(o, step_size=3, gamma=0.5), 12, extra={"kwargs": {"stepSize": 3, "gamma": 0.5}}),
        sched_case("multistep", "sgd", lambda o: S.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3), 12, extra={"kwargs": {"milestones": [2, 5, 5, 9], "gamma": 0.3}}),
        sched_case("exponential", "adam", lambda o: S.ExponentialLR(o, gamma=0.87), 10, extra={"kwargs": {"gamma": 0.87}}),
        sched_case("cosine", "sgd", lambda o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.001), 25, extra={"kwargs": {"tMax": 7, "etaMin": 0.001}}),
        sched_case("cosine_default", "adam", lambda o: S.CosineAnnealingLR(o, T_max=4), 10, extra={"kwargs": {"tMax": 4}}),
        sched_case("plateau_min", "sgd", lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2, threshold=0.01, cooldown=1, min_lr=[0.01, 0.004]), len(metrics), metrics,
                   extra={"kwargs": {"factor": 0.5, "patience": 2, "threshold": 0.01, "cooldown": 1, "minLr": [0.01, 0.004]}}),
        sched_case("plateau_max_abs", "adam", lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.3, patience=1, threshold=0.02, threshold_mode="abs", eps=1e-3), len(metrics), [1 - m for m in metrics],
                   extra={"kwargs": {"mode": "max", "factor": 0.3, "patience": 1, "threshold": 0.02, "thresholdMode": "abs", "eps": 1e-3}}),
        sched_case("plateau_default", "sgd", lambda o: S.ReduceLROnPlateau(o), len(metrics), metrics, extra={"kwargs": {}}),
        sched_case("onecycle_cos", "sgd", lambda o: S.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=20), 20, extra={"kwargs": {"maxLr": [1.0, 0.5], "totalSteps": 20}}),
        sched_case("onecycle_linear_adam", "adam", lambda o: S.OneCycleLR(o, max_lr=0.3, epochs=3, steps_per_epoch=5, pct_start=0.4, anneal_strategy="linear", div_factor=10.0, final_div_factor=100.0, base_momentum=0.8, max_momentum=0.9), 15,
                   extra={"kwargs": {"maxLr": 0.3, "epochs": 3, "stepsPerEpoch": 5, "pctStart": 0.4, "annealStrategy": "linear", "divFactor": 10.0, "finalDivFactor": 100.0, "baseMomentum": 0.8, "maxMomentum": 0.9}}),
        sched_case("onecycle_three_phase", "sgd", lambda o: S.OneCycleLR(o, max_lr=0.2, total_steps=17, three_phase=True, pct_start=0.3), 17, extra={"kwargs": {"maxLr": 0.2, "totalSteps": 17, "threePhase": True, "pctStart": 0.3}}),
        sched_case("onecycle_no_momentum", "sgd", lambda o: S.OneCycleLR(o, max_lr=0.2, total_steps=9, cycle_momentum=False), 9, extra={"kwargs": {"maxLr": 0.2, "totalSteps": 9, "cycleMomentum": False}}),
    ]
    common.write(SCHED_REL, "schedulers", {"dummy": torch.zeros(1)}, {"cases": cases})


if __name__ == "__main__":
    gen_optim()
    gen_clip()
    gen_schedulers()
    print("gen_optim: done")
