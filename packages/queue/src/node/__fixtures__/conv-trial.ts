// A wasm-bound trial for the scaling bench: a small temporal-then-spatial conv net (the shape of
// the EEG models a real search trains) on synthetic 3-channel signals, mini-batch Adam. Unlike
// the softmax-regression trial (thousands of tiny steps: mostly JavaScript dispatch and GC), its
// time goes into wasm kernels, as an EEG trial's does.
import { backward, BatchNorm2d, Conv2d, crossEntropy, ELU, Flatten, Linear, noGrad, Sequential, AvgPool2d } from '@nnkit/nn';
import type { TrialContext } from '@nnkit/train';
import { Adam } from '@nnkit/train';
import { argMax, equal, sum, tensor1d, tensor4d, tidy } from '@tensorflow/tfjs-core';
import { initBackend, manualSeed, seededRandom } from '@nnkit/tensor';

export interface SignalData {
  x: Float32Array;
  y: Int32Array;
  channels: number;
  times: number;
  length: number;
}

/** `n` seeded trials of `channels × times` signals: class 1 carries a 10-cycle sine on channel 0. */
export function signals(n: number, channels: number, times: number, seed: number): SignalData {
  const rand = seededRandom(seed);
  const x = new Float32Array(n * channels * times);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let c = 0; c < channels; c++) {
      for (let t = 0; t < times; t++) {
        const sig = y[i] && c === 0 ? Math.sin((2 * Math.PI * 10 * t) / times) : 0;
        x[(i * channels + c) * times + t] = sig + (rand() - 0.5) * 2;
      }
    }
  }
  return { x, y, channels, times, length: n };
}

export async function setup(): Promise<void> {
  await initBackend('wasm');
}

export async function trial(ctx: TrialContext<SignalData>): Promise<Record<string, number>> {
  await initBackend('wasm');
  const { x, y, channels: ch, times } = ctx.data;
  const per = ch * times;
  const rows = (idx: number[]) => {
    const buf = new Float32Array(idx.length * per);
    idx.forEach((i, r) => buf.set(x.subarray(i * per, (i + 1) * per), r * per));
    return [tensor4d(buf, [idx.length, 1, ch, times]), tensor1d(idx.map((i) => y[i]!), 'int32')] as const;
  };
  manualSeed(ctx.seed + ctx.fold);
  const model = new Sequential(
    new Conv2d(1, 8, [1, 25], { padding: 'same', bias: false }),
    new BatchNorm2d(8),
    new Conv2d(8, 16, [ch, 1], { bias: false }),
    new BatchNorm2d(16),
    new ELU(),
    new AvgPool2d([1, 8]),
    new Flatten(),
    new Linear(16 * Math.floor(times / 8), 2),
  );
  const opt = new Adam(model.parameters(), { lr: ctx.params['lr'] as number });
  const epochs = ctx.params['epochs'] as number;
  const batch = 32;
  const train = ctx.trainIndex;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let b = 0; b < train.length; b += batch) {
      const [xb, yb] = rows(train.slice(b, b + batch));
      opt.zeroGrad();
      backward(() => crossEntropy(model.call(xb), yb), model).dispose();
      opt.step();
      xb.dispose();
      yb.dispose();
    }
    ctx.progress?.({ epoch: epoch + 1, epochs });
  }
  model.eval();
  const [xs, ys] = rows(ctx.testIndex);
  const acc = noGrad(() => tidy(() => sum(equal(argMax(model.call(xs), 1), ys)).dataSync()[0]! / ctx.testIndex.length));
  for (const t of [xs, ys]) t.dispose();
  opt.dispose?.();
  model.dispose();
  return { acc };
}
