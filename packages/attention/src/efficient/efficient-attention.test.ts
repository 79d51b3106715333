import { initBackend } from '@nnkit/tensor';
import { grad } from '@nnkit/nn';
import { abs, add, max, memory, mul, randomNormal, sub, sum, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { EfficientAttention } from './efficient-attention.js';

// On one image outside a gradient tape, EfficientAttention computes on rows (efficient-rows.ts);
// otherwise (a batch, a gradient tape) in the reference's layout (forwardReference).
// Both must agree.
const maxDiff = (a: Tensor, b: Tensor): number => tidy(() => max(abs(sub(a, b))).dataSync()[0]!);

// [inChannels, keyChannels, valueChannels, headCount, H, W]: odd sizes, keyChannels not divisible
// by headCount (unused key channels), one head, one position or channel (reference layout), one row
const configs: Array<[number, number, number, number, number, number]> = [
  [5, 7, 6, 3, 3, 5],
  [3, 5, 4, 2, 7, 1],
  [6, 3, 5, 1, 4, 3],
  [4, 4, 4, 4, 1, 1],
  [4, 6, 4, 2, 1, 2],
  [1, 3, 2, 1, 3, 3],
];

describe.each(['wasm', 'cpu'] as const)('EfficientAttention row layout against the reference layout on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it.each(configs)('matches for in=%i key=%i value=%i heads=%i on %i×%i, eval and train', (cin, ck, cv, heads, h, w) => {
    const ea = new EfficientAttention(cin, ck, cv, { headCount: heads });
    const x = randomNormal([1, cin, h, w], 0, 2, 'float32', 7);
    for (const train of [false, true]) {
      ea.train(train);
      tidy(() => {
        expect(maxDiff(ea.call(x), ea.forwardReference(x))).toBeLessThan(1e-5);
      });
    }
    ea.dispose();
    x.dispose();
  });

  it('uses the reference layout under a tape: same input gradient as the reference computation', () => {
    const ea = new EfficientAttention(5, 7, 6, { headCount: 3 });
    const x = randomNormal([1, 5, 3, 5], 0, 1, 'float32', 8);
    const r = randomNormal([1, 5, 3, 5], 0, 1, 'float32', 9);
    tidy(() => {
      const [ga] = grad((xx) => sum(mul(ea.call(xx), r)), [x]);
      const [gb] = grad((xx) => sum(mul(ea.forwardReference(xx), r)), [x]);
      expect(maxDiff(ga!, gb!)).toBeLessThan(1e-6);
    });
    ea.dispose();
    for (const t of [x, r]) t.dispose();
  });

  it('notices changed weights, leaks no tensor between calls, and frees its cache on dispose', () => {
    const ea = new EfficientAttention(5, 7, 6, { headCount: 3 });
    ea.eval();
    const x = randomNormal([1, 5, 3, 5], 0, 1, 'float32', 11);
    ea.call(x).dispose(); // fills the weight cache
    const before = memory().numTensors;
    tidy(() => void ea.call(x));
    expect(memory().numTensors).toBe(before);
    ea.values.weight.data.assign(add(ea.values.weight.data, 0.5));
    ea.reprojection.bias!.data.assign(add(ea.reprojection.bias!.data, 1));
    tidy(() => {
        expect(maxDiff(ea.call(x), ea.forwardReference(x))).toBeLessThan(1e-5);
      });
    const held = memory().numTensors;
    const params = [...ea.parameters()].length;
    ea.dispose();
    expect(memory().numTensors).toBeLessThanOrEqual(held - params);
    x.dispose();
  });
});
