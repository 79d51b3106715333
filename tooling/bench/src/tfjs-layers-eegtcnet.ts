/**
 * The tfjs-layers peer: EEG-TCNet built from Keras-style layers (channels-last), as a
 * tfjs user would write it, for inference timing on the same backend. The last-time-step
 * slice is replaced by a 1-D global max pool (tfjs-layers has no Lambda layer); its cost is
 * negligible either way.
 */
import * as tfl from '@tensorflow/tfjs-layers';

export function buildLayersEEGTCNet(nChans = 22, nTimes = 1000, nClasses = 4): tfl.LayersModel {
  const F1 = 8, D = 2, F2 = 16, KE = 32, FT = 12, KT = 4, L = 2;
  const inp = tfl.input({ shape: [nChans, nTimes, 1] });
  let x = tfl.layers.conv2d({ filters: F1, kernelSize: [1, KE], padding: 'same', useBias: false }).apply(inp) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ axis: -1 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.depthwiseConv2d({ kernelSize: [nChans, 1], depthMultiplier: D, useBias: false }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ axis: -1 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.elu().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.averagePooling2d({ poolSize: [1, 8] }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dropout({ rate: 0.2 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.separableConv2d({ filters: F2, kernelSize: [1, 16], padding: 'same', useBias: false }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ axis: -1 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.elu().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.averagePooling2d({ poolSize: [1, 8] }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dropout({ rate: 0.2 }).apply(x) as tfl.SymbolicTensor;
  const tPrime = Math.floor(Math.floor(nTimes / 8) / 8);
  x = tfl.layers.reshape({ targetShape: [tPrime, F2] }).apply(x) as tfl.SymbolicTensor;
  for (let i = 0; i < L; i++) {
    const cin = i === 0 ? F2 : FT;
    let h = x;
    for (let j = 0; j < 2; j++) {
      // Causal: left zero padding then 'valid' on a [T, 1, C] view (tfjs-layers 4.22's
      // conv1d padding: 'causal' pads too little when dilationRate > 1; it has no zeroPadding1d).
      const d = 2 ** i;
      h = tfl.layers.reshape({ targetShape: [tPrime, 1, j === 0 ? cin : FT] }).apply(h) as tfl.SymbolicTensor;
      h = tfl.layers.zeroPadding2d({ padding: [[(KT - 1) * d, 0], [0, 0]] }).apply(h) as tfl.SymbolicTensor;
      h = tfl.layers.conv2d({ filters: FT, kernelSize: [KT, 1], dilationRate: [d, 1], padding: 'valid' }).apply(h) as tfl.SymbolicTensor;
      h = tfl.layers.reshape({ targetShape: [tPrime, FT] }).apply(h) as tfl.SymbolicTensor;
      h = tfl.layers.batchNormalization({ axis: -1 }).apply(h) as tfl.SymbolicTensor;
      h = tfl.layers.elu().apply(h) as tfl.SymbolicTensor;
      h = tfl.layers.dropout({ rate: 0.3 }).apply(h) as tfl.SymbolicTensor;
    }
    const res = cin !== FT ? (tfl.layers.conv1d({ filters: FT, kernelSize: 1 }).apply(x) as tfl.SymbolicTensor) : x;
    x = tfl.layers.elu().apply(tfl.layers.add().apply([h, res]) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  }
  x = tfl.layers.globalMaxPooling1d().apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: nClasses }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: inp, outputs: out });
}
