/**
 * Kernel launches per EEG-TCNet training step (3 channels, 2 classes, batch 64, Adam) and per
 * one-trial eval forward, by kernel name (tf.profile), with the summed kernel time of each name
 * (wall time inside the kernel, so noisy on a loaded machine): where launch overhead goes.
 * `node --conditions=@nnkit/source --import tsx src/profile-step.ts`
 */
import { EEGTCNet } from '@nnkit/eeg';
import { backward, CrossEntropyLoss } from '@nnkit/nn';
import { initBackend } from '@nnkit/tensor';
import { Adam } from '@nnkit/train';
import { profile, randomNormal, tensor1d, tidy } from '@tensorflow/tfjs-core';

await initBackend();
const model = new EEGTCNet({ nChans: 3, nClasses: 2 });
const opt = new Adam(model.parameters(), { lr: 1e-3 });
const lossFn = new CrossEntropyLoss();
const x = randomNormal([64, 3, 1000]);
const y = tensor1d(Array.from({ length: 64 }, (_, i) => i % 2), 'int32');
const step = (): void => {
  opt.zeroGrad();
  backward(() => lossFn.call(model.call(x), y), model).dispose();
  opt.step();
};
step();
const count = (ks: { name: string; kernelTimeMs: unknown }[]): string => {
  const by = new Map<string, [number, number]>();
  for (const k of ks) {
    const [n, ms] = by.get(k.name) ?? [0, 0];
    by.set(k.name, [n + 1, ms + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0)]);
  }
  return [...by]
    .sort((a, b) => b[1][0] - a[1][0])
    .map(([n, [c, ms]]) => `${n} ${c} (${ms.toFixed(1)} ms)`)
    .join(', ');
};
const p = await profile(step);
console.log(`train step: ${p.kernels.length} kernels (${model.parameters().length} parameters): ${count(p.kernels)}`);
model.eval();
const x1 = randomNormal([1, 3, 1000]);
tidy(() => void model.call(x1));
const q = await profile(() => tidy(() => void model.call(x1)));
console.log(`eval forward, 1 trial: ${q.kernels.length} kernels: ${count(q.kernels)}`);
