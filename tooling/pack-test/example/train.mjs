// nnkit from a project of one's own: plain Node, no tsx, no export conditions.
// Fits y = 2·x1 − 3·x2 + 1 with a 2-8-1 MLP and prints the final mean squared error.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, manualSeed } from '@nnkit/tensor';
import { backward, Linear, mseLoss, ReLU, Sequential } from '@nnkit/nn';
import { Adam } from '@nnkit/train';

await initBackend('cpu');
manualSeed(0);
const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 1));
const opt = new Adam(model.parameters(), { lr: 0.05 });
const x = tf.randomUniform([64, 2], -1, 1, 'float32', 1);
const y = tf.tidy(() => tf.add(tf.matMul(x, tf.tensor2d([[2], [-3]])), 1));
let loss = Number.NaN;
for (let step = 0; step < 300; step++) {
  opt.zeroGrad();
  const l = backward(() => mseLoss(model.call(x), y), model);
  opt.step();
  loss = l.dataSync()[0];
  l.dispose();
}
console.log(loss.toFixed(6));
