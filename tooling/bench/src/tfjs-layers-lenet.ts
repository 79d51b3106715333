/**
 * The tfjs-layers peer of the LeNet digits epoch: LeNet-5 from Keras-style layers (channels-last),
 * trained as a tfjs user writes a custom loop (`optimizer.minimize` over `model.apply` in
 * training mode, softmax cross-entropy, Adam lr 1e-3, batch 32, shuffled), same backend.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { gather, losses, oneHot, tensor1d, tidy, train, transpose, util, type Scalar, type Tensor } from '@tensorflow/tfjs-core';
import { measure, type Measured } from './harness.js';

export function buildLayersLeNet(numClasses = 10): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [32, 32, 1], filters: 6, kernelSize: 5, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 120, activation: 'relu' }),
      tfl.layers.dense({ units: 84, activation: 'relu' }),
      tfl.layers.dense({ units: numClasses }),
    ],
  });
}

/** One epoch of the tfjs-layers LeNet on `x` `[N, 1, 32, 32]` (transposed to NHWC once, untimed). */
export async function layersLeNetEpoch(x: Tensor, labels: Int32Array, runs: number): Promise<Measured> {
  const model = buildLayersLeNet();
  const opt = train.adam(1e-3);
  const xl = transpose(x, [0, 2, 3, 1]);
  const yl = oneHot(tensor1d(labels, 'int32'), 10);
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i);
  const epoch = (): void => {
    util.shuffle(order);
    for (let b = 0; b < n; b += 32) {
      const i = tensor1d(order.slice(b, b + 32), 'int32');
      const loss = opt.minimize(() => tidy(() => losses.softmaxCrossEntropy(gather(yl, i), model.apply(gather(xl, i), { training: true }) as Tensor) as Scalar), true);
      loss!.dataSync();
      loss!.dispose();
      i.dispose();
    }
  };
  const r = await measure(epoch, runs, 1);
  for (const t of [xl, yl]) t.dispose();
  opt.dispose();
  model.dispose();
  return r;
}
