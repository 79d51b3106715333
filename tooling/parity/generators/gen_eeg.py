"""Parity fixtures for @nnkit/eeg: TemporalBlock, TemporalConvNet, EEGNet, EEGTCNet,
EEGInceptionTCN, TemporalInception — eval outputs (random weights, non-trivial batch-norm
statistics, max-norm applied), train-mode outputs/gradients with dropout disabled, and the
batch-norm running statistics after the train-mode forward."""

import common
from eeg import (EEGInceptionTCN, EEGNet, EEGTCNet, TemporalBlock, TemporalConvNet,
                 TemporalInception)

REL = "packages/eeg/src/models"


def make(name, ctor, config, in_shape, seed):
    tensors = common.model_case(ctor, in_shape, seed)
    config = dict(config, loss="sum(out.train * in.r)", input_shape=list(in_shape))
    path = common.write(REL, name, tensors, config)
    print(name, tuple(tensors["out.eval"].shape), path)


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
# odd sizes and the remaining non-default options (batch 1, one channel, kernel 1, pool 3, ...)
make("temporal-inception-b", lambda: TemporalInception(6, 3, (5, 2, 1), (5, 1), max_norm=2.0), dict(inChan=6, outChan=3, kernels=[5, 2, 1], poolKernel=[5, 1], maxNorm=2.0), (1, 6, 2, 23), 12)
make("tcn-c", lambda: TemporalConvNet(1, [1, 2], kernel_size=2, dropout=0.1), dict(numInputs=1, numChannels=[1, 2], kernelSize=2, dropout=0.1), (1, 1, 5), 13)
make("eegnet-odd", lambda: EEGNet(1, 3, 77, F1=3, D=1, F2=5, kern_length=1, dropout=0.1), dict(nChans=1, nClasses=3, nTimes=77, F1=3, D=1, F2=5, kernLength=1, dropout=0.1), (2, 1, 77), 14)
make("eegtcnet-odd", lambda: EEGTCNet(5, 3, F1=3, D=1, KE=8, pe=0.1, L=1, FT=7, KT=2, pt=0.1), dict(nChans=5, nClasses=3, F1=3, D=1, KE=8, pe=0.1, L=1, FT=7, KT=2, pt=0.1), (1, 5, 131), 15)
make("inception-odd", lambda: EEGInceptionTCN(2, 3, F1=4, D=1, kern_length=9, pool=3, kern_inception=1, dropout_dep=0.2, dropout_temp=0.1, tcn_filters=5, tcn_kernel=2, tcn_dropout=0.1), dict(nChans=2, nClasses=3, F1=4, D=1, kernLength=9, pool=3, kernInception=1, dropoutDep=0.2, dropoutTemp=0.1, tcnFilters=5, tcnKernel=2, tcnDropout=0.1), (2, 2, 47), 16)
