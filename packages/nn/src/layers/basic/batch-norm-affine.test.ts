import { ArgumentError, initBackend } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import { add, memory, moments, mul, randomNormal, reshape, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm2d } from './batch-norm.js';

beforeAll(async () => {
  await initBackend();
});

const affineOf = (x: Tensor, scale: Tensor, shift: Tensor): Tensor => add(mul(x, reshape(scale, [1, -1, 1, 1])), reshape(shift, [1, -1, 1, 1]));

function trained(): BatchNorm2d {
  const bn = new BatchNorm2d(3, { momentum: 0.3 });
  bn.weight!.assign(randomNormal([3], 1, 0.2, 'float32', 1));
  bn.bias!.assign(randomNormal([3], 0, 0.2, 'float32', 2));
  tidy(() => bn.call(randomNormal([4, 3, 2, 5], 0.5, 2, 'float32', 3)));
  return bn;
}

describe('BatchNorm asAffine()', () => {
  it('eval: equals forward, and is cached under cacheWeights()', () => {
    const bn = trained().eval();
    const x = randomNormal([2, 3, 4, 4]);
    tidy(() => {
      const { scale, shift } = bn.asAffine()!;
      assertClose(affineOf(x, scale, shift), bn.call(x), { atol: 1e-6 });
    });
    bn.cacheWeights();
    const a = tidy(() => bn.asAffine()!);
    const b = tidy(() => bn.asAffine()!);
    expect(a.scale).toBe(b.scale);
    const before = memory().numTensors;
    tidy(() => bn.asAffine() ?? []);
    expect(memory().numTensors).toBe(before);
    x.dispose();
    bn.dispose();
  });

  it('train: folds the given batch statistics and records them like forward does', () => {
    const viaForward = trained();
    const viaAffine = trained();
    const x = randomNormal([4, 3, 2, 5], 1, 3, 'float32', 9);
    tidy(() => {
      const m = moments(x, [0, 2, 3]);
      const { scale, shift } = viaAffine.asAffine({ mean: m.mean, variance: m.variance, count: 40 })!;
      assertClose(affineOf(x, scale, shift), viaForward.call(x), { atol: 1e-5 });
    });
    assertClose(viaAffine.runningMean!, viaForward.runningMean!, { atol: 1e-6 });
    assertClose(viaAffine.runningVar!, viaForward.runningVar!, { atol: 1e-6 });
    expect(viaAffine.numBatchesTracked!.dataSync()[0]).toBe(2);
    x.dispose();
  });

  it('is null with a hook or one value per channel; needs batch statistics in train mode', () => {
    const bn = new BatchNorm2d(2);
    expect(() => bn.asAffine()).toThrow(ArgumentError);
    tidy(() => {
      const one = { mean: randomNormal([2]), variance: randomNormal([2]), count: 1 };
      expect(bn.asAffine(one)).toBeNull();
    });
    bn.eval();
    const h = bn.registerForwardPreHook(() => undefined);
    expect(bn.asAffine()).toBeNull();
    h.remove();
    expect(bn.usesBatchStats).toBe(false);
    expect(tidy(() => bn.asAffine() ?? [])).not.toEqual([]);
  });
});
