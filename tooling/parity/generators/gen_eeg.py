"""Parity fixtures for @nnkit/eeg: TemporalBlock, TemporalConvNet, EEGNet, EEGTCNet,
EEGInceptionTCN, TemporalInception — eval outputs (random weights, non-trivial batch-norm
statistics, max-norm applied), train-mode outputs/gradients with dropout disabled, and the
batch-norm running statistics after the train-mode forward."""
import torch

import common
from eeg import (EEGInceptionTCN, EEGNet, EEGTCNet, TemporalBlock, TemporalConvNet,
                 TemporalInception)

REL = "packages/eeg/src/models"


def no_dropout(m):
    for mod in m.modules():
        if isinstance(mod, torch.nn.Dropout):
            mod.p = 0.0


def make(name, ctor, config, in_shape, seed):
    torch.manual_seed(seed)
    m = ctor()
    common.randomize_bn(m)
    # larger weights so that the max-norm constraints actually bite
    with torch.no_grad():
        for n, p in m.named_parameters():
            if p.dim() > 1:
                p.mul_(3.0)
    m.eval()
    x = torch.randn(*in_shape)
    with torch.no_grad():
        y_eval = m(x)  # renorms the constrained weights in place
    tensors = {**common.state(m), "in.x": x, "out.eval": y_eval}
    # train mode, dropout disabled: output, gradients, running statistics after the step
    no_dropout(m)
    m.train()
    xg = x.clone().requires_grad_(True)
    y = m(xg)
    r = torch.randn_like(y)
    (y * r).sum().backward()
    tensors.update({"out.train": y.detach(), "in.r": r, "grad.in.x": xg.grad})
    tensors.update(common.grads(m))
    tensors.update(common.state(m, "after."))
    config = dict(config, loss="sum(out.train * in.r)", input_shape=list(in_shape))
    path = common.write(REL, name, tensors, config)
    print(name, tuple(y.shape), path)


make("temporal-block-a", lambda: TemporalBlock(5, 7, 3, 2, dropout=0.2), dict(nInputs=5, nOutputs=7, kernelSize=3, dilation=2), (2, 5, 37), 1)
make("temporal-block-b", lambda: TemporalBlock(6, 6, 4, 4, bias=False, max_norm=0.5), dict(nInputs=6, nOutputs=6, kernelSize=4, dilation=4, bias=False, maxNorm=0.5), (3, 6, 29), 2)
make("tcn-a", lambda: TemporalConvNet(16, [12, 12], kernel_size=4), dict(numInputs=16, numChannels=[12, 12], kernelSize=4), (2, 16, 17), 3)
make("tcn-b", lambda: TemporalConvNet(3, [8, 6, 5], kernel_size=3, bias=False, max_norm=0.5), dict(numInputs=3, numChannels=[8, 6, 5], kernelSize=3, bias=False, maxNorm=0.5), (2, 3, 41), 4)
make("eegnet-22x1125", lambda: EEGNet(22, 4, 1125), dict(nChans=22, nClasses=4, nTimes=1125), (2, 22, 1125), 5)
make("eegnet-3x1000", lambda: EEGNet(3, 2, 1000, F1=4, D=3, F2=10, kern_length=33, dropout=0.25), dict(nChans=3, nClasses=2, nTimes=1000, F1=4, D=3, F2=10, kernLength=33, dropout=0.25), (3, 3, 1000), 6)
make("eegtcnet-22x1125", lambda: EEGTCNet(22, 4), dict(nChans=22, nClasses=4), (2, 22, 1125), 7)
make("eegtcnet-3x1000", lambda: EEGTCNet(3, 2, F1=6, D=3, KE=31, L=3, FT=10, KT=3), dict(nChans=3, nClasses=2, F1=6, D=3, KE=31, L=3, FT=10, KT=3), (3, 3, 1000), 8)
make("inception-22x1125", lambda: EEGInceptionTCN(22, 4, F1=16, tcn_filters=24), dict(nChans=22, nClasses=4, F1=16, tcnFilters=24), (2, 22, 1125), 9)
make("inception-3x1000", lambda: EEGInceptionTCN(3, 2, F1=8, D=2, kern_length=25, pool=4, kern_inception=3, tcn_filters=12, tcn_kernel=3), dict(nChans=3, nClasses=2, F1=8, D=2, kernLength=25, pool=4, kernInception=3, tcnFilters=12, tcnKernel=3), (2, 3, 1000), 10)
make("temporal-inception", lambda: TemporalInception(8, 2, (16, 8, 4)), dict(inChan=8, outChan=2, kernels=[16, 8, 4]), (2, 8, 1, 33), 11)
