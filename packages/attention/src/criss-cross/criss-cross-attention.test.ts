import { initBackend } from '@nnkit/tensor';
import { backward, grad } from '@nnkit/nn';
import { abs, add, max, memory, mul, randomNormal, sub, sum, type Tensor, tensor1d, tidy } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CrissCrossAttention } from './criss-cross-attention.js';

// On one image outside a gradient tape, CrissCrossAttention computes channels first with one
// stacked projection (criss-cross-fast.ts); otherwise (a batch, a gradient tape, hooks) in the
// reference's layout (forwardReference). Both must agree.
const maxDiff = (a: Tensor, b: Tensor): number => tidy(() => max(abs(sub(a, b))).dataSync()[0]!);

/** A module with γ ≠ 0 (it starts at 0, which would hide the attention). */
function make(inDim: number, reduction: number, recurrence: number, gamma = 0.7): CrissCrossAttention {
  const m = new CrissCrossAttention(inDim, { reduction, recurrence });
  m.gamma.assign(tensor1d([gamma]));
  return m;
}

// [inDim, reduction, recurrence, H, W]: H ≠ W, one row, one column, one position, one channel,
// recurrence 0, 1 and 2
const configs: Array<[number, number, number, number, number]> = [
  [8, 2, 1, 5, 7],
  [8, 2, 2, 7, 5],
  [6, 3, 2, 1, 9],
  [5, 1, 1, 7, 1],
  [4, 2, 2, 1, 1],
  [8, 8, 0, 3, 4],
  [1, 1, 2, 3, 5],
  [16, 4, 1, 6, 6],
];

describe.each(['wasm', 'cpu'] as const)('CrissCrossAttention fast path against the reference layout on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it.each(configs)('matches for in_dim=%i reduction=%i recurrence=%i on %i×%i, eval and train', (c, red, rec, h, w) => {
    const m = make(c, red, rec);
    const x = randomNormal([1, c, h, w], 0, 2, 'float32', 7);
    for (const train of [false, true]) {
      m.train(train);
      tidy(() => {
        expect(maxDiff(m.call(x), m.forwardReference(x))).toBeLessThan(1e-5);
      });
    }
    m.dispose();
    x.dispose();
  });

  it('uses the reference layout for a batch and under a tape: the same outputs and gradients', () => {
    const m = make(8, 2, 2);
    const x = randomNormal([2, 8, 4, 6], 0, 1, 'float32', 8);
    const r = randomNormal([2, 8, 4, 6], 0, 1, 'float32', 9);
    tidy(() => {
      expect(maxDiff(m.call(x), m.forwardReference(x))).toBeLessThan(1e-6);
      const [ga] = grad((xx) => sum(mul(m.call(xx), r)), [x]);
      const [gb] = grad((xx) => sum(mul(m.forwardReference(xx), r)), [x]);
      expect(maxDiff(ga!, gb!)).toBeLessThan(1e-6);
    });
    m.dispose();
    for (const t of [x, r]) t.dispose();
  });

  it('gives exact parameter gradients in training (the reference layout under the tape)', () => {
    const m = make(8, 2, 1);
    m.train();
    const x = randomNormal([1, 8, 3, 5], 0, 1, 'float32', 10);
    m.zeroGrad();
    backward(() => sum(m.call(x)), m).dispose();
    const g1 = tidy(() => [...m.parameters()].map((p) => p.grad!.clone()));
    m.zeroGrad();
    backward(() => sum(m.forwardReference(x)), m).dispose();
    const g2 = [...m.parameters()].map((p) => p.grad!);
    g1.forEach((g, i) => expect(maxDiff(g, g2[i]!)).toBe(0));
    g1.forEach((g) => g.dispose());
    m.dispose();
    x.dispose();
  });

  it('never returns a stale result: loadStateDict, in-place edits, an optimizer-style step, γ', () => {
    const m = make(8, 2, 2);
    m.eval();
    const x = randomNormal([1, 8, 5, 6], 0, 1, 'float32', 11);
    const check = (): void =>
      tidy(() => {
        m.call(x); // fills the cache (or uses it)
        const ref = m.forwardReference(x);
        const scale = Math.max(1, max(abs(ref)).dataSync()[0]!);
        expect(maxDiff(m.call(x), ref) / scale).toBeLessThan(1e-5);
      });
    check();
    const other = make(8, 2, 2, -0.4);
    m.loadStateDict(other.stateDict());
    check();
    m.gamma.assign(tensor1d([1.3]));
    check();
    m.key_conv.weight.data.assign(add(m.key_conv.weight.data, 0.5));
    m.query_conv.bias!.data.assign(add(m.query_conv.bias!.data, 1));
    check();
    // a gradient step, as an optimizer does it (Parameter.assign)
    m.train();
    m.zeroGrad();
    backward(() => sum(mul(m.call(x), m.call(x))), m).dispose();
    for (const p of m.parameters()) p.assign(tidy(() => sub(p.data, mul(p.grad!, 1e-3))));
    m.eval();
    check();
    other.dispose();
    m.dispose();
    x.dispose();
  });

  it('leaks no tensor between calls and frees its cache on dispose', () => {
    const m = make(8, 2, 2);
    m.eval();
    const x = randomNormal([1, 8, 5, 6], 0, 1, 'float32', 13);
    m.call(x).dispose(); // fills the weight cache
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) tidy(() => void m.call(x));
    m.call(x).dispose();
    expect(memory().numTensors).toBe(before);
    const params = [...m.parameters()].length;
    m.dispose();
    expect(memory().numTensors).toBeLessThanOrEqual(before - params);
    x.dispose();
  });
});
