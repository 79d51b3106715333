// Proofs for allow-list.json: for each spec nnkit fails on purpose, finite differences of the
// forward (which tfjs and nnkit agree on) give nnkit's gradient, not tfjs's expected values.
import * as tf from '@tensorflow/tfjs-core';
import { gradCheck, initBackend } from '@nnkit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAllowList } from './peer.js';

/** Central finite differences of sum(f(x) · dy) in float64 arithmetic on float32 forwards. */
function numericGrad(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, dy: tf.Tensor, eps = 1e-2): number[] {
  const base = Array.from(x.dataSync());
  const w = Array.from(dy.dataSync());
  const at = (vals: number[]): number => tf.tidy(() => Array.from(f(tf.tensor(vals, x.shape)).dataSync()).reduce((s, v, i) => s + v * w[i]!, 0));
  return base.map((_, i) => {
    const up = base.slice();
    const dn = base.slice();
    up[i]! += eps;
    dn[i]! -= eps;
    return (at(up) - at(dn)) / (2 * eps);
  });
}

const proofs: Record<string, () => void> = {
  'avgPool-explicit-padding': () => {
    const x = tf.tensor3d([0, 1, 2, 3, 4, 5, 6, 7, 8], [3, 3, 1]);
    const padding = [[0, 0], [1, 2], [0, 1], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
    const f = (t: tf.Tensor): tf.Tensor => tf.avgPool(t as tf.Tensor3D, 3, 1, padding);
    const dy = tf.tensor3d([0, 3, 0, 6, 0, 9, 0, 12], [4, 2, 1]);
    const nnkit = Array.from(tf.grad(f)(x, dy).dataSync());
    const numeric = numericGrad(f, x, dy);
    nnkit.forEach((v, i) => expect(v).toBeCloseTo(numeric[i]!, 3));
    const tfjsExpected = [0, 1, 1, 0, 2, 2, 0, 3, 3];
    expect(Math.max(...tfjsExpected.map((v, i) => Math.abs(v - numeric[i]!)))).toBeGreaterThan(0.5);
  },
  'mirrorPad-reflect': () => {
    const x = tf.tensor1d([1, 2, 3]);
    const dy = tf.tensor1d([10, 20, 30, 40, 50, 60]);
    const f = (t: tf.Tensor): tf.Tensor => tf.mirrorPad(t, [[2, 1]], 'reflect');
    const nnkit = Array.from(tf.grad(f)(x, dy).dataSync());
    const numeric = numericGrad(f, x, dy);
    nnkit.forEach((v, i) => expect(v).toBeCloseTo(numeric[i]!, 2));
    expect(nnkit).toEqual([30, 120, 60]);
    expect(Math.abs(40 - numeric[1]!)).toBeGreaterThan(50); // tfjs expects [30, 40, 50]
  },
  'depthwise-dilated-gradient': () => {
    const images = tf.randomNormal([2, 5, 5, 3], 0, 1, 'float32', 1);
    const filter = tf.randomNormal([2, 2, 3, 1], 0, 1, 'float32', 2);
    const f = (x: tf.Tensor, w: tf.Tensor): tf.Tensor => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid', 'NHWC', 2);
    const report = gradCheck(f, [images, filter], { maxElements: 24 });
    expect(report.ok).toBe(true);
  },
};

describe.each(['wasm', 'cpu'] as const)('allow-list proofs (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it.each(loadAllowList().map((e) => [e.proof, e] as const))('%s', (_id, e) => {
    expect(e.reason.length).toBeGreaterThan(20);
    const proof = proofs[e.proof];
    expect(proof, `no proof named ${e.proof}`).toBeDefined();
    proof!();
  });
});
