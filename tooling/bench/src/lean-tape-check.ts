/**
 * Checks that nnkit's lean backward tape gives Inception v3's gradients bit for bit as tfjs-core's
 * own tape (wasm, train mode, 299², batch 2, aux logits), and how much memory each holds.
 *
 *   node --conditions=@nnkit/source --import tsx src/lean-tape-check.ts
 */
import { crossEntropy } from '@nnkit/nn';
import { initBackend, wasmHeapBytes, withSharedSavedTensors } from '@nnkit/tensor';
import { Inception3, type InceptionOutputs } from '@nnkit/vision';
import { add, engine, memory, mul, randomNormal, tensor1d, type Tensor } from '@tensorflow/tfjs-core';

await initBackend('wasm');
const m = new Inception3().train();
const params = m.parameters().filter((p) => p.requiresGrad);
const x = randomNormal([2, 3, 299, 299], 0, 1, 'float32', 1);
const y = tensor1d([3, 997], 'int32');
// Dropout is random: run it as identity (p = 0 via eval of dropout only is not exposed; use the same seed instead).
const loss = (): Tensor => {
  const o = m.call(x) as InceptionOutputs;
  return add(crossEntropy(o.logits, y), mul(crossEntropy(o.auxLogits, y), 0.4));
};
for (const mod of m.modules()) if (mod.constructor.name === 'Dropout') mod.eval();
const run = (lean: boolean): Float32Array[] => {
  const f = (): { value: Tensor; grads: Tensor[] } => engine().gradients(loss, params.map((p) => p.data), undefined, true);
  const { value, grads } = lean ? withSharedSavedTensors(f) : f();
  const out = grads.map((g) => g.dataSync() as Float32Array);
  value.dispose();
  grads.forEach((g) => g.dispose());
  return out;
};
const plain = run(false);
const heapPlain = wasmHeapBytes()!;
const n0 = memory().numTensors;
const lean = run(true);
let maxDiff = 0;
plain.forEach((g, i) => g.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - lean[i]![j]!)))));
console.log(`${params.length} gradients, max |plain - lean| = ${maxDiff}; tensors leaked by lean: ${memory().numTensors - n0}; heap after plain ${(heapPlain / 2 ** 20).toFixed(0)} MiB`);
