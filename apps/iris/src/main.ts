/**
 * nnkit demo. Until the iris training demo lands, a smoke run: start the wasm backend,
 * build a small network, run a forward pass, print the backend and timings.
 */
import { backendName, initBackend } from '@nnkit/tensor';
import { Module, Parameter } from '@nnkit/nn';
import { add, matMul, randomNormal, sigmoid, type Tensor, zeros } from '@tensorflow/tfjs-core';

class TinyMLP extends Module {
  w1 = this.registerParameter('w1', new Parameter(randomNormal([6, 4], 0, 0.5, 'float32', 1)));
  b1 = this.registerParameter('b1', new Parameter(zeros([6])));
  w2 = this.registerParameter('w2', new Parameter(randomNormal([3, 6], 0, 0.5, 'float32', 2)));
  b2 = this.registerParameter('b2', new Parameter(zeros([3])));
  forward(x: Tensor): Tensor {
    const h = sigmoid(add(matMul(x, this.w1.data, false, true), this.b1.data));
    return add(matMul(h, this.w2.data, false, true), this.b2.data);
  }
}

const t0 = performance.now();
await initBackend();
const tInit = performance.now() - t0;
const model = new TinyMLP();
const x = randomNormal([8, 4], 0, 1, 'float32', 3);
model.call(x).dispose(); // warm-up
const t1 = performance.now();
const y = model.call(x);
const logits = await y.data();
const tFwd = performance.now() - t1;
console.log(`nnkit smoke demo`);
console.log(`backend: ${backendName()}  (init ${tInit.toFixed(1)} ms)`);
console.log(`forward: input [${x.shape}] -> logits [${y.shape}] in ${tFwd.toFixed(2)} ms`);
console.log(`first row: ${Array.from(logits.slice(0, 3), (v) => v.toFixed(4)).join(', ')}`);
model.dispose();
x.dispose();
y.dispose();
