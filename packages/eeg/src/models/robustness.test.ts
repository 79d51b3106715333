// Regression tests (issue: models and loading) on EEG-TCNet: loading its own state dict, empty
// batches, wrong dtypes — on wasm and cpu.
import * as tf from '@tensorflow/tfjs-core';
import { DTypeError, initBackend } from '@nnkit/tensor';
import { backward, crossEntropy } from '@nnkit/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { EEGTCNet } from './eegtcnet.js';

const small = { nChans: 3, nClasses: 2 } as const;

describe.each(['wasm', 'cpu'] as const)('EEG-TCNet robustness (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('loads its own stateDict as a no-op and stays usable', () => {
    const m = new EEGTCNet(small).eval();
    const x = tf.randomNormal([2, 3, 200], 0, 1, 'float32', 1);
    const before = Array.from(m.call(x).dataSync());
    const n0 = tf.memory().numTensors;
    m.loadStateDict(m.stateDict());
    expect(tf.memory().numTensors).toBe(n0);
    expect(Array.from(m.call(x).dataSync())).toEqual(before);
    m.dispose();
  });

  it('gives an empty output for an empty batch, in eval and in training', () => {
    const m = new EEGTCNet(small);
    expect(m.eval().call(tf.zeros([0, 3, 200])).shape).toEqual([0, 2]);
    m.train();
    const loss = backward(() => crossEntropy(m.call(tf.zeros([0, 3, 200])), tf.zeros([0], 'int32'), { reduction: 'sum' }), m);
    expect(loss.dataSync()[0]).toBe(0);
    for (const p of m.parameters()) if (p.grad) expect(Array.from(p.grad.dataSync()).every((v) => v === 0)).toBe(true);
    m.dispose();
  });

  it('refuses int32 EEG with a DTypeError naming the model', () => {
    const m = new EEGTCNet(small);
    expect(() => m.call(tf.zeros([1, 3, 200], 'int32'))).toThrow(DTypeError);
    expect(() => m.call(tf.zeros([1, 3, 200], 'int32'))).toThrow(/^EEGTCNet: expected input of dtype float32, got int32$/);
    m.dispose();
  });
});
