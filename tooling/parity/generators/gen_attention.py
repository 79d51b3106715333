"""Parity fixtures for @nnkit/attention: every module of shared/reference/attention.py and
torch.nn.MultiheadAttention, each on at least two shapes (one with H != W and sizes that are not
multiples of the ISSA block), every non-default option, gammas non-zero, batch norms with
non-trivial running statistics: eval and train outputs, input and parameter gradients, state
after the train step (see attention_case.py for the key names)."""
import torch

import common
from attention import (CBAM, AttentionGate, CBAMChannelGate, CBAMSpatialGate, ChannelAttention,
                       CrissCrossAttention, EfficientAttention, InterlacedSparseSelfAttention,
                       PositionAttention, SelfAttention2d, SelfAttentionBlock,
                       SpatialReductionAttention)
from torch.nn import MultiheadAttention
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
make("attention-gate-a", lambda: AttentionGate(6, 4, 3), dict(kind="attention-gate", fG=6, fL=4, fInt=3),
     {"g": x(2, 6, 5, 7, seed=1), "x": x(2, 4, 5, 7, seed=2)}, 1)
make("attention-gate-b", lambda: AttentionGate(3, 5, 8), dict(kind="attention-gate", fG=3, fL=5, fInt=8),
     {"g": x(1, 3, 9, 4, seed=3), "x": x(1, 5, 9, 4, seed=4)}, 2)

# DANet
make("position-attention-a", lambda: PositionAttention(8), dict(kind="position-attention", inDim=8), {"x": x(2, 8, 5, 7, seed=5)}, 3)
make("position-attention-b", lambda: PositionAttention(6, reduction=2), dict(kind="position-attention", inDim=6, reduction=2), {"x": x(1, 6, 4, 4, seed=6)}, 4)
make("channel-attention-a", lambda: ChannelAttention(), dict(kind="channel-attention"), {"x": x(2, 5, 4, 6, seed=7)}, 5)
make("channel-attention-b", lambda: ChannelAttention(), dict(kind="channel-attention"), {"x": x(1, 3, 7, 3, seed=8) * 0.5}, 6)
# CBAM
make("cbam-channel-gate-a", lambda: CBAMChannelGate(8), dict(kind="cbam-channel-gate", channels=8), {"x": x(2, 8, 5, 7, seed=9)}, 7)
make("cbam-channel-gate-b", lambda: CBAMChannelGate(12, reduction=4), dict(kind="cbam-channel-gate", channels=12, reduction=4), {"x": x(1, 12, 3, 9, seed=10)}, 8)
make("cbam-spatial-gate-a", lambda: CBAMSpatialGate(), dict(kind="cbam-spatial-gate"), {"x": x(2, 3, 9, 6, seed=11)}, 9)
make("cbam-spatial-gate-b", lambda: CBAMSpatialGate(3), dict(kind="cbam-spatial-gate", kernelSize=3), {"x": x(1, 4, 5, 5, seed=12)}, 10)
make("cbam-a", lambda: CBAM(8), dict(kind="cbam", channels=8), {"x": x(2, 8, 6, 9, seed=13)}, 11)
make("cbam-b", lambda: CBAM(6, reduction=2, kernel_size=5), dict(kind="cbam", channels=6, reduction=2, kernelSize=5), {"x": x(1, 6, 7, 4, seed=14)}, 12)
# SAGAN
make("self-attention-2d-a", lambda: SelfAttention2d(16), dict(kind="self-attention-2d", inDim=16), {"x": x(2, 16, 5, 6, seed=15)}, 13)
make("self-attention-2d-b", lambda: SelfAttention2d(6, reduction=3), dict(kind="self-attention-2d", inDim=6, reduction=3), {"x": x(1, 6, 3, 7, seed=16)}, 14)
# CCNet
make("criss-cross-a", lambda: CrissCrossAttention(8), dict(kind="criss-cross", inDim=8), {"x": x(2, 8, 5, 7, seed=17)}, 15)
make("criss-cross-b", lambda: CrissCrossAttention(6, reduction=2, recurrence=2), dict(kind="criss-cross", inDim=6, reduction=2, recurrence=2), {"x": x(1, 6, 6, 4, seed=18)}, 16)
# ISSA
make("self-attention-block", lambda: SelfAttentionBlock(6, 4, 5, 7), dict(kind="self-attention-block", inChannels=6, keyChannels=4, valueChannels=5, outChannels=7), {"x": x(2, 6, 3, 5, seed=19)}, 17)
make("issa-a", lambda: InterlacedSparseSelfAttention(8, 4, 6, 8, block=(2, 3)), dict(kind="issa", inChannels=8, keyChannels=4, valueChannels=6, outChannels=8, block=[2, 3]), {"x": x(1, 8, 7, 10, seed=20)}, 18)
make("issa-b", lambda: InterlacedSparseSelfAttention(6, 3, 4, 5, block=(4, 4)), dict(kind="issa", inChannels=6, keyChannels=3, valueChannels=4, outChannels=5, block=[4, 4]), {"x": x(2, 6, 8, 8, seed=21)}, 19)
make("issa-c", lambda: InterlacedSparseSelfAttention(4, 4, 4, 4), dict(kind="issa", inChannels=4, keyChannels=4, valueChannels=4, outChannels=4), {"x": x(1, 4, 9, 11, seed=22)}, 20)
# Efficient attention
make("efficient-a", lambda: EfficientAttention(8, 4, 6), dict(kind="efficient", inChannels=8, keyChannels=4, valueChannels=6), {"x": x(2, 8, 5, 7, seed=23)}, 21)
make("efficient-b", lambda: EfficientAttention(8, 6, 8, head_count=2), dict(kind="efficient", inChannels=8, keyChannels=6, valueChannels=8, headCount=2), {"x": x(1, 8, 6, 9, seed=24)}, 22)
make("efficient-c", lambda: EfficientAttention(6, 5, 4, head_count=2), dict(kind="efficient", inChannels=6, keyChannels=5, valueChannels=4, headCount=2), {"x": x(1, 6, 4, 3, seed=25)}, 23)


# Spatial-reduction attention: tokens (B, N, C) plus H, W
def sra(name, dim, H, W, b, seed, **kw):
    cfg = dict(kind="sra", dim=dim, H=H, W=W, numHeads=kw.get("num_heads", 1), qkvBias=kw.get("qkv_bias", False), srRatio=kw.get("sr_ratio", 1))
    make(name, lambda: SpatialReductionAttention(dim, **kw), cfg, {"x": x(b, H * W, dim, seed=seed)}, seed, call=lambda m, x: m(x, H, W))


sra("sra-a", 8, 5, 7, 2, 26)
sra("sra-b", 8, 6, 9, 1, 27, num_heads=2, qkv_bias=True, sr_ratio=2)
sra("sra-c", 12, 7, 6, 2, 28, num_heads=3, sr_ratio=3)


# torch.nn.MultiheadAttention
def mha(name, E, heads, L, S, B, seed, masks=None, call_kw=None, unbatched=False, **kw):
    kdim, vdim, bf = kw.get("kdim", E), kw.get("vdim", E), kw.get("batch_first", False)
    call_kw = call_kw or {}
    def shape(n, d):
        return (n, d) if unbatched else ((B, n, d) if bf else (n, B, d))
    inputs = {"query": x(*shape(L, E), seed=seed), "key": x(*shape(S, kdim), seed=seed + 1), "value": x(*shape(S, vdim), seed=seed + 2)}
    inputs.update(masks or {})
    cfg = dict(kind="mha", embedDim=E, numHeads=heads, dropout=kw.get("dropout", 0.0), bias=kw.get("bias", True),
               addBiasKv=kw.get("add_bias_kv", False), addZeroAttn=kw.get("add_zero_attn", False), kdim=kdim, vdim=vdim,
               batchFirst=bf, needWeights=call_kw.get("need_weights", True), averageAttnWeights=call_kw.get("average_attn_weights", True),
               boolInputs=[k for k, v in (masks or {}).items() if v.dtype == torch.bool])

    def call(m, query, key, value, key_padding_mask=None, attn_mask=None):
        return m(query, key, value, key_padding_mask=key_padding_mask, attn_mask=attn_mask, **call_kw)
    make(name, lambda: MultiheadAttention(E, heads, **kw), cfg, inputs, seed, call=call)


def kpm(B, S, seed):
    g = torch.Generator().manual_seed(seed)
    m = torch.rand(B, S, generator=g) < 0.3
    m[:, 0] = False  # never a fully masked row
    return m


causal = torch.triu(torch.ones(5, 5, dtype=torch.bool), 1)
mha("mha-a", 8, 2, 5, 5, 2, 30)
mha("mha-b", 8, 2, 4, 6, 3, 31, masks={"key_padding_mask": kpm(3, 6, 1)}, call_kw={"average_attn_weights": False}, kdim=5, vdim=3, batch_first=True)
mha("mha-c", 8, 4, 5, 5, 2, 32, masks={"attn_mask": causal}, call_kw={"need_weights": False}, bias=False)
mha("mha-d", 6, 3, 4, 5, 2, 33, masks={"key_padding_mask": kpm(2, 5, 2), "attn_mask": x(2 * 3, 4, 5, seed=3)}, add_bias_kv=True, add_zero_attn=True, batch_first=True)
mha("mha-e", 8, 2, 3, 4, 1, 34, masks={"attn_mask": x(3, 4, seed=4)}, unbatched=True, kdim=6, dropout=0.3)
mha("mha-f", 4, 1, 6, 3, 2, 35, masks={"key_padding_mask": kpm(2, 3, 3), "attn_mask": (torch.rand(2, 6, 3, generator=torch.Generator().manual_seed(5)) < 0.5) & torch.tensor([False, True, True])}, call_kw={"average_attn_weights": False}, add_zero_attn=True)
