"""Random-configuration sweep of @nnkit/attention against shared/reference/attention.py and
torch.nn.MultiheadAttention.

Unlike generators/gen_attention.py (committed fixtures), this draws COUNT random configurations
per module kind — odd channel counts, H != W, maps smaller than the ISSA block, every constructor
option, batch 1..3; for MultiheadAttention every keyword (kdim/vdim, bias, add_bias_kv,
add_zero_attn, batch_first, unbatched inputs) and call option (bool/float 2-D/3-D attn_mask,
bool/float key_padding_mask, need_weights, average_attn_weights) — and writes one safetensors
file per case into OUT with the keys of attention_case.py, plus the float64 results (f64.*).
Configurations PyTorch itself rejects are skipped and listed. The nnkit side is
packages/attention/src/sweep.test.ts; `tooling/parity/sweep attention SEED COUNT` runs both.

Usage: sweep_attention.py OUT [SEED] [COUNT]
"""
import json
import os
import random
import sys

import torch

import common  # noqa: F401  (puts shared/reference on the path)

from attention import (CBAM, AttentionGate, CBAMChannelGate, CBAMSpatialGate, ChannelAttention,
                       CrissCrossAttention, EfficientAttention, InterlacedSparseSelfAttention,
                       PositionAttention, SelfAttention2d, SelfAttentionBlock,
                       SpatialReductionAttention)
from attention_case import module_case
from safetensors_io import save

OUT = sys.argv[1]
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 0
COUNT = int(sys.argv[3]) if len(sys.argv) > 3 else 10


def case(name, ctor, config, inputs, seed, call=None):
    try:
        tensors = module_case(ctor, inputs, seed, call, with_f64=True)
    except (ValueError, RuntimeError, AssertionError) as e:
        print("skip", name, str(e).splitlines()[0] if str(e) else type(e).__name__)
        return
    config = dict(config, inputs=list(inputs.keys()))
    out = {k: v.detach().contiguous() for k, v in tensors.items()}
    save(out, os.path.join(OUT, name + ".safetensors"), metadata={"config": json.dumps(config)})


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(SEED)
    r = rng.randint
    for i in range(COUNT):
        seed = 1000 * SEED + i
        g = torch.Generator().manual_seed(seed)

        def x(*shape):
            return torch.randn(*shape, generator=g) * rng.choice([0.5, 1.0, 2.0])

        B, H, W = r(1, 3), r(1, 11), r(1, 11)
        fg, fl, fi = r(1, 9), r(1, 9), r(1, 9)
        case(f"gate-{i}", lambda: AttentionGate(fg, fl, fi), dict(kind="attention-gate", fG=fg, fL=fl, fInt=fi),
             {"g": x(max(B, 2), fg, H, W), "x": x(max(B, 2), fl, H, W)}, seed)

        red = r(1, 8)
        c = r(red, 16)
        case(f"pam-{i}", lambda: PositionAttention(c, reduction=red), dict(kind="position-attention", inDim=c, reduction=red),
             {"x": x(B, c, H, W)}, seed)
        case(f"sagan-{i}", lambda: SelfAttention2d(c, reduction=red), dict(kind="self-attention-2d", inDim=c, reduction=red),
             {"x": x(B, c, r(1, 9), r(1, 9))}, seed)
        case(f"cam-{i}", lambda: ChannelAttention(), dict(kind="channel-attention"), {"x": x(B, r(1, 12), H, W) * 0.5}, seed)

        c2, red2, ks = r(1, 20), r(1, 20), rng.choice([1, 3, 5, 7])
        case(f"cgate-{i}", lambda: CBAMChannelGate(c2, reduction=red2), dict(kind="cbam-channel-gate", channels=c2, reduction=red2),
             {"x": x(B, c2, H, W)}, seed)
        kse = rng.choice([1, 2, 3, 4, 5, 7])
        case(f"sgate-{i}", lambda: CBAMSpatialGate(kse), dict(kind="cbam-spatial-gate", kernelSize=kse), {"x": x(B, r(1, 6), H, W)}, seed)
        case(f"cbam-{i}", lambda: CBAM(c2, reduction=red2, kernel_size=ks), dict(kind="cbam", channels=c2, reduction=red2, kernelSize=ks),
             {"x": x(B, c2, H, W)}, seed)

        rec = rng.choice([0, 1, 1, 2, 2, 3])
        case(f"cca-{i}", lambda: CrissCrossAttention(c, reduction=red, recurrence=rec),
             dict(kind="criss-cross", inDim=c, reduction=red, recurrence=rec), {"x": x(B, c, r(1, 9), r(1, 9))}, seed)

        ci, ck, cv, co = r(1, 8), r(1, 8), r(1, 8), r(1, 8)
        case(f"sab-{i}", lambda: SelfAttentionBlock(ci, ck, cv, co),
             dict(kind="self-attention-block", inChannels=ci, keyChannels=ck, valueChannels=cv, outChannels=co),
             {"x": x(max(B, 2), ci, r(1, 7), r(1, 7))}, seed)
        blk = [r(1, 5), r(1, 5)]
        case(f"issa-{i}", lambda: InterlacedSparseSelfAttention(ci, ck, cv, co, block=tuple(blk)),
             dict(kind="issa", inChannels=ci, keyChannels=ck, valueChannels=cv, outChannels=co, block=blk),
             {"x": x(B, ci, r(1, 13), r(1, 13))}, seed)

        heads = r(1, 4)
        ek, ev = r(heads, 12), heads * r(1, 4)
        case(f"ea-{i}", lambda: EfficientAttention(ci, ek, ev, head_count=heads),
             dict(kind="efficient", inChannels=ci, keyChannels=ek, valueChannels=ev, headCount=heads),
             {"x": x(B, ci, H, W)}, seed)

        nh = r(1, 4)
        dim, sr, qb = nh * r(1, 5), rng.choice([1, 1, 2, 3, 4]), rng.random() < 0.5
        Hs, Ws = r(1, 10), r(1, 10)
        case(f"sra-{i}", lambda: SpatialReductionAttention(dim, num_heads=nh, qkv_bias=qb, sr_ratio=sr),
             dict(kind="sra", dim=dim, H=Hs, W=Ws, numHeads=nh, qkvBias=qb, srRatio=sr),
             {"x": x(B, Hs * Ws, dim)}, seed, call=lambda m, x: m(x, Hs, Ws))

        mha_case(i, rng, seed, x)


def mha_case(i, rng, seed, x):
    r = rng.randint
    heads = r(1, 4)
    E = heads * r(1, 4)
    kw = dict(dropout=rng.choice([0.0, 0.2]), bias=rng.random() < 0.7, add_bias_kv=rng.random() < 0.3,
              add_zero_attn=rng.random() < 0.3, batch_first=rng.random() < 0.5)
    kdim = E if rng.random() < 0.5 else r(1, 9)
    vdim = E if rng.random() < 0.5 else r(1, 9)
    kw.update(kdim=kdim, vdim=vdim)
    unbatched = rng.random() < 0.15
    B, L, S = r(1, 3), r(1, 7), r(1, 7)
    bf = kw["batch_first"]

    def shape(n, d):
        return (n, d) if unbatched else ((B, n, d) if bf else (n, B, d))
    inputs = {"query": x(*shape(L, E)), "key": x(*shape(S, kdim)), "value": x(*shape(S, vdim))}
    bsz = 1 if unbatched else B
    am = rng.choice(["none", "bool2", "float2", "bool3", "float3"])
    kp = rng.choice(["none", "bool", "float"])
    if am.startswith("float") and kp == "float":
        kp = "bool"  # PyTorch 1.13 rejects a float padding mask with a float attn_mask
    g = torch.Generator().manual_seed(seed + 7)
    if am != "none":
        shp = (L, S) if am.endswith("2") else (bsz * heads, L, S)
        if am.startswith("bool"):
            m = torch.rand(*shp, generator=g) < 0.3
            m[..., 0] = False  # never a fully masked row
        else:
            m = torch.randn(*shp, generator=g)
        inputs["attn_mask"] = m
    if kp != "none":
        m = torch.rand(bsz, S, generator=g) < 0.3
        m[:, 0] = False
        m = m if kp == "bool" else (torch.randn(bsz, S, generator=g) if "attn_mask" not in inputs else m.float())
        inputs["key_padding_mask"] = m[0] if unbatched else m
    call_kw = dict(need_weights=rng.random() < 0.7, average_attn_weights=rng.random() < 0.5)
    cfg = dict(kind="mha", embedDim=E, numHeads=heads, dropout=kw["dropout"], bias=kw["bias"], addBiasKv=kw["add_bias_kv"],
               addZeroAttn=kw["add_zero_attn"], kdim=kdim, vdim=vdim, batchFirst=bf, needWeights=call_kw["need_weights"],
               averageAttnWeights=call_kw["average_attn_weights"],
               boolInputs=[k for k in ("attn_mask", "key_padding_mask") if k in inputs and inputs[k].dtype == torch.bool])

    def call(m, query, key, value, key_padding_mask=None, attn_mask=None, **_):
        return m(query, key, value, key_padding_mask=key_padding_mask, attn_mask=attn_mask, **call_kw)
    case(f"mha-{i}", lambda: torch.nn.MultiheadAttention(E, heads, **kw), cfg, inputs, seed, call=call)


main()
