import { initBackend } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import { grad, memory, randomNormal, randomUniform, relu, sum, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm2d } from '../basic/batch-norm.js';
import { WeightCache } from '../../weight-cache.js';
import { Conv2d } from './conv.js';
import { foldedConvBn, type FoldedConvFilter } from './conv-bn-fold.js';

beforeAll(async () => {
  await initBackend();
});

/** A conv → BN pair in eval mode with non-trivial running statistics and affine parameters. */
function pair(cin: number, cout: number, k: number, opts: ConstructorParameters<typeof Conv2d>[3] = {}): { conv: Conv2d; bn: BatchNorm2d } {
  const conv = new Conv2d(cin, cout, k, opts).eval();
  const bn = new BatchNorm2d(cout, { eps: 0.001 }).eval();
  tidy(() => {
    bn.runningMean!.assign(randomNormal([cout], 0, 0.5));
    bn.runningVar!.assign(randomUniform([cout], 0.5, 2));
    bn.weight!.data.assign(randomUniform([cout], 0.5, 1.5));
    bn.bias!.data.assign(randomNormal([cout], 0, 0.2));
  });
  return { conv, bn };
}

const reference = (conv: Conv2d, bn: BatchNorm2d, x: Tensor): Tensor => relu(bn.call(conv.call(x)));

describe('foldedConvBn: eval-mode conv → batch norm → ReLU as one convolution', () => {
  it.each([
    ['3 × 3 padded, no bias (Inception, Winograd)', 32, 16, 3, { padding: 1, bias: false }],
    ['1 × 1 with a bias', 24, 12, 1, {}],
    ['3 × 3 stride 2, grouped', 8, 8, 3, { stride: 2, groups: 2 }],
    ["1 × 7 'same'", 16, 20, [1, 7], { padding: 'same' }],
  ] as const)('matches the layers one by one: %s', (_, cin, cout, k, opts) => {
    const { conv, bn } = pair(cin, cout, k as number, opts as never);
    const cache = new WeightCache<FoldedConvFilter>();
    tidy(() => {
      const x = randomNormal([2, cin, 9, 11]);
      const y = foldedConvBn(conv, bn, x, cache, 'relu');
      expect(y).not.toBeNull();
      assertClose(y!, reference(conv, bn, x), { atol: 1e-5, rtol: 1e-5 });
    });
    cache.clear();
    [conv, bn].forEach((m) => m.dispose());
  });

  it('keeps the folded weight between calls and recomputes it when a source changes (no stale result)', () => {
    const { conv, bn } = pair(16, 8, 3, { padding: 1 });
    const cache = new WeightCache<FoldedConvFilter>();
    const x = randomNormal([1, 16, 6, 6]);
    // warm-up: the layers' own caches (the batch norm's scale and shift, the conv's filter)
    tidy(() => void reference(conv, bn, x));
    tidy(() => void foldedConvBn(conv, bn, x, cache, 'relu'));
    cache.clear();
    const before = memory().numTensors;
    tidy(() => void foldedConvBn(conv, bn, x, cache, 'relu'));
    const cached = memory().numTensors;
    expect(cached - before).toBe(3); // the folded weight, its bias and its kernel-layout filter
    tidy(() => void foldedConvBn(conv, bn, x, cache, 'relu'));
    expect(memory().numTensors).toBe(cached);
    for (const change of [() => bn.runningVar!.assign(randomUniform([8], 1, 3)), () => conv.weight.data.assign(randomNormal([8, 16, 3, 3])), () => bn.bias!.data.assign(randomNormal([8]))]) {
      tidy(change);
      tidy(() => assertClose(foldedConvBn(conv, bn, x, cache, 'relu')!, reference(conv, bn, x), { atol: 1e-5, rtol: 1e-5 }));
      expect(memory().numTensors).toBe(cached);
    }
    cache.clear();
    expect(memory().numTensors).toBe(before);
    [conv, bn, x].forEach((m) => m.dispose());
  });

  it('is null in train mode, with weight caching off, under a gradient tape, with a hook, or for an input the layer rejects', () => {
    const { conv, bn } = pair(4, 4, 3);
    const cache = new WeightCache<FoldedConvFilter>();
    const x = randomNormal([1, 4, 5, 5]);
    for (const shape of [[1, 3, 5, 5], [1, 4, 2, 2]]) {
      const bad = randomNormal(shape);
      expect(foldedConvBn(conv, bn, bad, cache)).toBeNull();
      bad.dispose();
    }
    grad((v: Tensor) => {
      expect(foldedConvBn(conv, bn, v, cache)).toBeNull();
      return sum(v);
    })(x);
    bn.train();
    expect(foldedConvBn(conv, bn, x, cache)).toBeNull();
    bn.eval();
    conv.cacheWeights(false);
    expect(foldedConvBn(conv, bn, x, cache)).toBeNull();
    conv.cacheWeights(true);
    const off = conv.registerForwardHook(() => undefined);
    expect(foldedConvBn(conv, bn, x, cache)).toBeNull();
    off.remove();
    tidy(() => {
      expect(foldedConvBn(conv, bn, x, cache)).not.toBeNull();
    });
    cache.clear();
    [conv, bn, x].forEach((m) => m.dispose());
  });
});
