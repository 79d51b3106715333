import { initBackend } from '@nnkit/tensor';
import { memory } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { EEGTCNet } from '../models/eegtcnet.js';
import { trainWithinSubject } from './train-within-subject.js';
import { applyChannelZScore, fitChannelZScore, type TrialArrays } from './zscore.js';

beforeAll(async () => {
  await initBackend();
});

/** Two classes: a 10 Hz burst on channel 0 (class 0) or channel 2 (class 1), plus noise and offsets. */
function synthetic(n: number, t: number, seed: number): TrialArrays {
  let s = seed;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const data = new Float32Array(n * 3 * t);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      for (let k = 0; k < t; k++) {
        const burst = c === 2 * labels[i]! ? 3 * Math.sin((2 * Math.PI * 10 * k) / 250) : 0;
        data[(i * 3 + c) * t + k] = 50 * c + 10 * (burst + rnd());
      }
    }
  }
  return { data, shape: [n, 3, t], labels };
}

describe('per-channel z-score', () => {
  it('fits mean/std per channel on the training data and applies them to other data', () => {
    const tr = synthetic(8, 64, 1);
    const z = fitChannelZScore(tr.data, tr.shape);
    expect(Array.from(z.mean, (m) => Math.round(m / 50))).toEqual([0, 1, 2]);
    const xs = applyChannelZScore(tr.data, tr.shape, z);
    for (let c = 0; c < 3; c++) {
      let s = 0;
      let q = 0;
      for (let i = 0; i < 8; i++) for (let k = 0; k < 64; k++) {
        const v = xs[(i * 3 + c) * 64 + k]!;
        s += v;
        q += v * v;
      }
      expect(s / 512).toBeCloseTo(0, 5);
      expect(q / 512).toBeCloseTo(1, 4);
    }
    expect(() => applyChannelZScore(new Float32Array(4), [1, 2, 2], z)).toThrow(/fitted on 3 channels, data has 2/);
  });
});

describe('trainWithinSubject', () => {
  it('trains EEG-TCNet with Adam + cross-entropy and reports accuracy and kappa on the test set, without leaks', async () => {
    const before = memory().numTensors;
    const epochs: number[] = [];
    const r = await trainWithinSubject({
      createModel: () => new EEGTCNet({ nChans: 3, nClasses: 2 }),
      train: synthetic(48, 128, 2),
      test: synthetic(32, 128, 3),
      epochs: 12,
      batchSize: 16,
      lr: 1e-2,
      seed: 7,
      evalEvery: 6,
      onEpoch: (e) => epochs.push(e.epoch),
    });
    expect(epochs).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(r.history[5]!.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(r.history.every((h) => Number.isFinite(h.loss) && h.seconds > 0)).toBe(true);
    expect(r.history[11]!.loss).toBeLessThan(r.history[0]!.loss);
    expect(r.accuracy).toBeGreaterThan(0.8);
    expect(r.kappa).toBeGreaterThan(0.6);
    expect(r.predictions.length).toBe(32);
    expect(r.model.training).toBe(false);
    r.model.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('says when data, shape and labels disagree', async () => {
    const tr = synthetic(4, 64, 1);
    const bad = { ...tr, labels: [0, 1] };
    await expect(trainWithinSubject({ createModel: () => new EEGTCNet({ nChans: 3, nClasses: 2 }), train: bad, test: tr })).rejects.toThrow(
      /train has 4 trials but 2 labels/,
    );
  });
});
