import { initBackend } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import { profile, randomNormal, randomUniform, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReLU } from '../layers/basic/activations.js';
import { BatchNorm2d } from '../layers/basic/batch-norm.js';
import { Conv2d } from '../layers/conv/conv.js';
import { Sequential } from './sequential.js';

beforeAll(async () => {
  await initBackend();
});

/** conv → BN → ReLU → conv → BN, with non-trivial running statistics, in eval mode. */
function net(): Sequential {
  const seq = new Sequential(new Conv2d(16, 32, 3, { padding: 1, bias: false }), new BatchNorm2d(32), new ReLU(), new Conv2d(32, 8, 1), new BatchNorm2d(8));
  tidy(() => {
    for (const bn of [seq.at(1), seq.at(4)] as BatchNorm2d[]) {
      const c = bn.numFeatures;
      bn.runningMean!.assign(randomNormal([c], 0, 0.5));
      bn.runningVar!.assign(randomUniform([c], 0.5, 2));
    }
  });
  return seq.eval();
}

/** The children one by one (weight caching off: nothing folded). */
function unfused(seq: Sequential, x: Tensor): Tensor {
  seq.cacheWeights(false);
  const y = seq.call(x);
  seq.cacheWeights(true);
  return y;
}

describe('Sequential: eval-mode Conv2d → BatchNorm2d (→ ReLU) as one convolution', () => {
  it('matches the children run one by one, with fewer kernels (no batch-norm or ReLU kernels)', async () => {
    const seq = net();
    const x = randomNormal([2, 16, 9, 9]);
    tidy(() => assertClose(seq.call(x), unfused(seq, x), { atol: 1e-5, rtol: 1e-5 }));
    const kernels = async (f: () => void): Promise<string[]> => (await profile(() => tidy(f))).kernels.map((k) => k.name);
    tidy(() => void seq.call(x)); // the fold, kept (unfused() cleared it)
    const fused = await kernels(() => void seq.call(x).dataSync());
    const plain = await kernels(() => void unfused(seq, x).dataSync());
    expect(fused.filter((n) => n === 'Relu' || n === 'Multiply')).toEqual([]);
    expect(fused.length).toBeLessThan(plain.length);
    seq.dispose();
    x.dispose();
  });

  it('runs every child in train mode (batch statistics), and never serves a stale fold', () => {
    const seq = net();
    const x = randomNormal([2, 16, 9, 9]);
    tidy(() => void seq.call(x));
    // the fold is redone when a weight or a running statistic changes
    tidy(() => (seq.at(0) as Conv2d).weight.data.assign(randomNormal([32, 16, 3, 3])));
    tidy(() => (seq.at(4) as BatchNorm2d).runningVar!.assign(randomUniform([8], 1, 3)));
    tidy(() => assertClose(seq.call(x), unfused(seq, x), { atol: 1e-5, rtol: 1e-5 }));
    seq.train();
    const before = tidy(() => Array.from((seq.at(1) as BatchNorm2d).runningMean!.dataSync()));
    tidy(() => void seq.call(x));
    expect(Array.from((seq.at(1) as BatchNorm2d).runningMean!.dataSync())).not.toEqual(before);
    seq.eval();
    seq.dispose();
    x.dispose();
  });

  it('leaves a ReLU with a hook to run (and call its hook), folding only the batch norm', () => {
    const seq = net();
    const x = randomNormal([1, 16, 5, 5]);
    let calls = 0;
    const h = (seq.at(2) as ReLU).registerForwardHook(() => {
      calls++;
    });
    tidy(() => assertClose(seq.call(x), unfused(seq, x), { atol: 1e-5, rtol: 1e-5 }));
    expect(calls).toBe(2);
    h.remove();
    seq.dispose();
    x.dispose();
  });
});
