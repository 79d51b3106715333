"""Parity fixtures for @nnkit/attention: every module of shared/reference/attention.py and
torch.nn.MultiheadAttention, each on at least two shapes (one with H != W and sizes that are not
multiples of the ISSA block), every non-default option, gammas non-zero, batch norms with
non-trivial running statistics: eval and train outputs, input and parameter gradients, state
after the train step (see attention_case.py for the key names)."""
import torch

import common
from attention import (CBAM, AttentionGate, CBAMChannelGate, CBAMSpatialGate, ChannelAttention,
                       CrissCrossAttention, EfficientAttention, InterlacedSparseSelfAttention,
                       PositionAttention, SelfAttention2d, SpatialReductionAttention)
from attention_case import module_case

REL = "packages/attention/src"


def make(name, ctor, config, inputs, seed, call=None):
    tensors = module_case(ctor, inputs, seed, call)
    config = dict(config, inputs=list(inputs.keys()), loss="sum(out.train * in.r) [+ sum(out.train.weights * in.rw)]")
    common.write(REL, name, tensors, config)
    print(name, tuple(tensors["out.eval"].shape))


def x(*shape, seed):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


# Attention U-Net gate: g (gating signal), x (skip connection)
make("attention-gate-a", lambda: AttentionGate(6, 4, 3), dict(kind="attention-gate", F_g=6, F_l=4, F_int=3),
     {"g": x(2, 6, 5, 7, seed=1), "x": x(2, 4, 5, 7, seed=2)}, 1)
make("attention-gate-b", lambda: AttentionGate(3, 5, 8), dict(kind="attention-gate", F_g=3, F_l=5, F_int=8),
     {"g": x(1, 3, 9, 4, seed=3), "x": x(1, 5, 9, 4, seed=4)}, 2)
