"""Random-configuration sweep of the EEG models against shared/reference/eeg.py.

Unlike generators/gen_eeg.py (committed fixtures, fixed configurations), this draws COUNT random
configurations per module kind (odd channel counts and lengths, kernel lengths from 1, every option
of the reference constructors, batch 1..3) and writes one safetensors file per case into OUT, with
the same content as the committed fixtures (eval output, train output, input and parameter
gradients, batch-norm statistics after the step). The nnkit side is
packages/eeg/src/models/sweep.test.ts; `tooling/parity/sweep eeg` runs both.

Every case is also computed in float64 (keys f64.*): where PyTorch's own float32 result is off
the float64 one by more than the tolerance (ill-conditioned cases, e.g. a train-mode batch norm
over two values), the test compares nnkit with the float64 result instead.

Configurations that PyTorch itself rejects are skipped and listed (a batch norm that sees one value
per channel in train mode). TCN kernels start at 2: the reference's Chomp1d(0) would empty the
sequence (nnkit treats a kernel of 1 as no chomp).

Usage: sweep_eeg.py OUT [SEED] [COUNT]
"""
import json
import os
import random
import sys

import torch

import common
from eeg import EEGInceptionTCN, EEGNet, EEGTCNet, TemporalBlock, TemporalConvNet, TemporalInception
from safetensors_io import save

OUT = sys.argv[1]
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 0
COUNT = int(sys.argv[3]) if len(sys.argv) > 3 else 10
# inputs of the whole models: standardised, offset, raw microvolts with a DC offset
AFFINES = [(1.0, 0.0), (1.0, 3.0), (20.0, 50.0)]


def case(name, ctor, config, in_shape, seed, x_affine=(1.0, 0.0)):
    try:
        tensors = common.model_case(ctor, in_shape, seed, x_scale=x_affine[0], x_shift=x_affine[1])
        exact = common.model_case(ctor, in_shape, seed, dtype=torch.float64, x_scale=x_affine[0], x_shift=x_affine[1])
    except (ValueError, RuntimeError) as e:
        print("skip", name, str(e).splitlines()[0])
        return
    config = dict(config, kind=name.split("-")[0], input_shape=list(in_shape), x_affine=list(x_affine))
    out = {k: v.detach().contiguous() for k, v in tensors.items()}
    # the same case in float64: tells float32 rounding in ill-conditioned cases from real differences
    out.update({"f64." + k: v.detach().contiguous() for k, v in exact.items() if k.startswith(("out.", "grad."))})
    save(out, os.path.join(OUT, name + ".safetensors"), metadata={"config": json.dumps(config)})


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(SEED)
    r = rng.randint
    for i in range(COUNT):
        seed = 1000 * SEED + i
        nin, nout, k, d = r(1, 7), r(1, 7), r(2, 5), r(1, 6)
        if rng.random() < 0.3:
            nout = nin
        bias, mn = rng.random() < 0.5, rng.choice([None, 0.3, 1.7])
        case(f"block-{i}", lambda: TemporalBlock(nin, nout, k, d, dropout=0.1, bias=bias, max_norm=mn),
             dict(nInputs=nin, nOutputs=nout, kernelSize=k, dilation=d, bias=bias, maxNorm=mn),
             (r(1, 3), nin, r(1, 40)), seed)

        levels, cin, k = [r(1, 9) for _ in range(r(1, 4))], r(1, 9), r(2, 5)
        bias, mn = rng.random() < 0.5, rng.choice([None, 0.5, 2.0])
        case(f"tcn-{i}", lambda: TemporalConvNet(cin, levels, kernel_size=k, bias=bias, max_norm=mn),
             dict(numInputs=cin, numChannels=levels, kernelSize=k, bias=bias, maxNorm=mn),
             (r(1, 3), cin, r(1, 45)), seed)

        c = dict(nChans=r(1, 9), nClasses=r(2, 5), nTimes=r(32, 300), F1=r(1, 6), D=r(1, 3), F2=r(1, 12),
                 kernLength=r(1, 40), dropout=0.3)
        case(f"eegnet-{i}", lambda: EEGNet(c["nChans"], c["nClasses"], c["nTimes"], F1=c["F1"], D=c["D"], F2=c["F2"],
                                           kern_length=c["kernLength"], dropout=0.3),
             c, (r(1, 3), c["nChans"], c["nTimes"]), seed, rng.choice(AFFINES))

        c = dict(nChans=r(1, 7), nClasses=r(2, 5), F1=r(1, 6), D=r(1, 3), KE=r(1, 40), L=r(1, 3), FT=r(1, 12),
                 KT=r(2, 5), pe=0.1, pt=0.2)
        case(f"eegtcnet-{i}", lambda: EEGTCNet(c["nChans"], c["nClasses"], F1=c["F1"], D=c["D"], KE=c["KE"], pe=0.1,
                                               L=c["L"], FT=c["FT"], KT=c["KT"], pt=0.2),
             c, (r(1, 3), c["nChans"], r(64, 400)), seed, rng.choice(AFFINES))

        while True:  # the reference's bn3 needs 4 · (F2 // 4) == F2
            F1, D = r(1, 8), r(1, 3)
            if F1 * D >= 4 and F1 * D % 4 == 0:
                break
        pool = r(2, 6)
        c = dict(nChans=r(1, 6), nClasses=r(2, 4), F1=F1, D=D, kernLength=r(1, 33), pool=pool, kernInception=r(1, 5),
                 tcnFilters=r(1, 12), tcnKernel=r(2, 5), dropoutDep=0.3, dropoutTemp=0.3, tcnDropout=0.2)
        case(f"inception-{i}", lambda: EEGInceptionTCN(c["nChans"], c["nClasses"], F1=F1, D=D, kern_length=c["kernLength"],
                                                       pool=pool, kern_inception=c["kernInception"], dropout_dep=0.3,
                                                       dropout_temp=0.3, tcn_filters=c["tcnFilters"],
                                                       tcn_kernel=c["tcnKernel"], tcn_dropout=0.2),
             c, (r(1, 3), c["nChans"], r(pool * pool, pool * pool + 200)), seed, rng.choice(AFFINES))

        oc = r(1, 4)
        ic = oc * r(1, 3)
        ks, pk = [r(1, 17), r(1, 9), r(1, 5)], [rng.choice([1, 3, 5]), rng.choice([1, 3, 5])]
        mn = rng.choice([0.5, 0.2, 3.0])
        case(f"ti-{i}", lambda: TemporalInception(ic, oc, tuple(ks), tuple(pk), max_norm=mn),
             dict(inChan=ic, outChan=oc, kernels=ks, poolKernel=pk, maxNorm=mn), (r(1, 3), ic, r(1, 4), r(1, 40)), seed)
    n = len([f for f in os.listdir(OUT) if f.endswith(".safetensors")])
    print(f"wrote {n} cases to {OUT}")


main()
