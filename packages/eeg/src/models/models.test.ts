import { initBackend } from '@nnkit/tensor';
import { ShapeError, summary } from '@nnkit/nn';
import { assertClose } from '@nnkit/tooling-testing';
import { memory, profile, randomNormal, tidy, zeros } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { EEGInceptionTCN } from './eeg-inception-tcn.js';
import { EEGNet } from './eegnet.js';
import { EEGTCNet } from './eegtcnet.js';

beforeAll(async () => {
  await initBackend();
});

function count(m: { namedParameters(): Iterable<[string, { size: number; requiresGrad: boolean }]> }): number {
  let n = 0;
  for (const [, p] of m.namedParameters()) if (p.requiresGrad) n += p.size;
  return n;
}

describe('EEG models', () => {
  it("EEGTCNet has the paper's 4,096 trainable parameters and 4,272 with batch-norm statistics", () => {
    const m = new EEGTCNet({ nChans: 22, nClasses: 4 });
    expect(count(m)).toBe(4096);
    let buffers = 0;
    for (const [k, b] of m.namedBuffers()) if (!k.endsWith('num_batches_tracked')) buffers += b.size;
    expect(count(m) + buffers).toBe(4272);
    m.dispose();
  });

  it('summary() of EEG-TCNet shows the 4,096 trainable parameters (4,272 with batch-norm statistics)', () => {
    const m = new EEGTCNet({ nChans: 22, nClasses: 4 });
    const s = summary(m, [1, 22, 1125]);
    expect(s.trainableParams).toBe(4096);
    expect(s.totalParams).toBe(4096);
    expect(s.toString()).toMatch(/Trainable params: 4,096/);
    expect(s.statisticsCount).toBe(176);
    expect(s.toString()).toMatch(/Params \+ running statistics: 4,272/);
    const rows = s.rows.map((r) => r.name);
    expect(rows).toContain('tcn.network.1.net.0');
    m.dispose();
  });

  it('accepts any trial length its architecture allows and explains the ones it does not', () => {
    const m = new EEGTCNet({ nChans: 3, nClasses: 2 }).eval();
    expect(m.call(zeros([2, 3, 333])).shape).toEqual([2, 2]);
    expect(() => m.call(zeros([1, 3, 40]))).toThrow(ShapeError);
    expect(() => m.call(zeros([1, 3, 40]))).toThrow(/at least 64 samples, got 40/);
    expect(() => m.call(zeros([1, 22, 1000]))).toThrow(/built for 3 channels, got 22/);
    m.dispose();
    const n = new EEGNet({ nChans: 3, nClasses: 2, nTimes: 1000 }).eval();
    expect(() => n.call(zeros([1, 3, 999]))).toThrow(/built for trials of 1000 samples, got 999/);
    n.dispose();
    const i = new EEGInceptionTCN({ nChans: 3, nClasses: 2, F1: 8, tcnFilters: 8 }).eval();
    expect(i.call(zeros([1, 3, 200])).shape).toEqual([1, 2]);
    expect(() => i.call(zeros([1, 3, 63]))).toThrow(/at least 64 samples/);
    i.dispose();
  });

  it.each([
    ['EEGTCNet', () => new EEGTCNet({ nChans: 3, nClasses: 2 }), 1000],
    ['EEGNet', () => new EEGNet({ nChans: 4, nClasses: 3, nTimes: 256 }), 256],
    ['EEGInceptionTCN', () => new EEGInceptionTCN({ nChans: 3, nClasses: 2, F1: 8, tcnFilters: 12 }), 512],
  ] as const)('%s with cacheWeights(): same eval logits, about half the kernels, tensors freed when off', async (_, make, T) => {
    const model = make();
    const x = randomNormal([1, model.nChans, T]);
    tidy(() => void model.call(randomNormal([4, model.nChans, T]))); // a train-mode step moves the BN statistics
    model.eval().cacheWeights(false);
    const plain = model.call(x);
    const before = memory().numTensors;
    const k0 = (await profile(() => tidy(() => void model.call(x)))).kernels.length;
    model.cacheWeights();
    tidy(() => void model.call(x));
    const k1 = (await profile(() => tidy(() => void model.call(x)))).kernels.length;
    expect(k1).toBeLessThan(0.75 * k0);
    const cached = model.call(x);
    assertClose(cached, plain, { atol: 1e-5, name: 'cached logits' });
    cached.dispose();
    model.cacheWeights(false);
    expect(memory().numTensors).toBe(before);
    plain.dispose();
    x.dispose();
    model.dispose();
  });
});
