// A/B of the issue-11 refactor: the same workloads on the code before and after, one process each.
import { initBackend } from '@nnkit/tensor';
import { Conv2d, backward, crossEntropy } from '@nnkit/nn';
import { EEGTCNet } from '@nnkit/eeg';
import { Adam } from '@nnkit/train';
import * as tf from '@tensorflow/tfjs-core';

await initBackend('wasm');
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
function time(fn: () => void, n: number): number {
  fn();
  const t: number[] = [];
  for (let i = 0; i < n; i++) { const t0 = performance.now(); fn(); t.push(performance.now() - t0); }
  return med(t);
}
const out: Record<string, number> = {};
{ // generic temporal conv forward, batch 64
  const conv = new Conv2d(1, 8, [1, 64], { padding: 'same', bias: false });
  const x = tf.randomNormal([64, 1, 22, 1000]);
  out['temporal conv fwd b64'] = time(() => tf.tidy(() => { conv.call(x).dataSync(); }), 5);
}
{ // EEG-TCNet one-trial inference (eval, default settings)
  const m = new EEGTCNet({ nChans: 22, nClasses: 4 }); m.eval();
  const x = tf.randomNormal([1, 22, 1000]);
  out['EEG-TCNet inference b1'] = time(() => tf.tidy(() => { (m.call(x) as tf.Tensor).dataSync(); }), 30);
}
for (const [ch, label] of [[3, '3ch'], [22, '22ch']] as const) {
  const m = new EEGTCNet({ nChans: ch, nClasses: ch === 3 ? 2 : 4 });
  const opt = new Adam(m.parameters(), { lr: 1e-3 });
  const x = tf.randomNormal([64, ch, 1000]);
  const y = tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 2), 'int32');
  out[`EEG-TCNet train step b64 ${label}`] = time(() => { opt.zeroGrad(); backward(() => crossEntropy(m.call(x) as tf.Tensor, y), m).dispose(); opt.step(); }, 5);
}
console.log(JSON.stringify(out));
