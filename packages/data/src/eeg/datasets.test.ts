import { join } from 'node:path';
import { memory } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@nnkit/tensor';
import { assertClose, fixturePath, readFixture, sharedDataDir, needs, missingSharedData } from '@nnkit/tooling-testing';
import type { Raw } from '../formats/types.js';
import { loadBCICIV2a } from './bciciv2a.js';
import { loadBCICIV2b } from './bciciv2b.js';
import { loadEEGMMIDB } from './eegmmidb.js';
import { epochs } from './epochs.js';
import { trialsToTensors } from './trials.js';


describe('EEG data sets', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('epochs cuts windows, maps labels, applies baseline and drops edge events', () => {
    const sig = (k: number): Float32Array => Float32Array.from({ length: 100 }, (_, i) => i + 1000 * k);
    const raw: Raw = {
      channels: ['a', 'b'].map((label) => ({ label, unit: 'uV', physicalMin: -1, physicalMax: 1, digitalMin: -1, digitalMax: 1, sampleRate: 10 })),
      sampleRate: 10, signals: [sig(0), sig(1)], events: [], startTime: undefined, meta: {},
    };
    const ev = [
      { onset: 1, duration: 0, description: 'L' }, { onset: 2, duration: 0, description: 'R' },
      { onset: 9.9, duration: 0, description: 'L' }, { onset: 3, duration: 0, description: 'X' },
    ];
    const e = epochs(raw, ev, { tmin: -0.2, tmax: 0.3, eventIds: { L: 0, R: 1 }, picks: ['b'] });
    expect(e.shape).toEqual([2, 1, 5]);
    expect(Array.from(e.labels)).toEqual([0, 1]);
    expect(Array.from(e.data.subarray(0, 5))).toEqual([1008, 1009, 1010, 1011, 1012]);
    expect(e.dropped.length).toBe(1);
    assertClose(e.times, [-0.2, -0.1, 0, 0.1, 0.2], { atol: 1e-6 });
    const b = epochs(raw, ev, { tmin: -0.2, tmax: 0.3, eventIds: { L: 0 }, baseline: [null, 0] });
    expect(Array.from(b.data.subarray(0, 5))).toEqual([-1, 0, 1, 2, 3]);
    expect(() => epochs(raw, ev, { tmin: 1, tmax: 0 })).toThrow(/tmax/);
  });

  needs(missingSharedData())(`EEGMMIDB S001 run 4 gives 15 imagery trials (64 × 640)`, async () => {
    const root = join(sharedDataDir(), 'eegmmidb');
    const r4 = await loadEEGMMIDB({ root, subject: 1, runs: [4] });
    expect(r4.shape).toEqual([15, 64, 640]);
    expect([r4.labels.filter((l) => l === 0).length, r4.labels.filter((l) => l === 1).length]).toEqual([8, 7]);
    const all = await loadEEGMMIDB({ root, subject: 1, runs: [4, 8, 12] });
    expect(all.shape[0]).toBe(45);
    expect(Array.from(new Set(all.runs))).toEqual([4, 8, 12]);
  });

  needs(missingSharedData())(`BCI IV 2b subject 1: (N, 3, 1000), labels 60/60 per file`, async () => {
    const root = join(sharedDataDir(), 'bciciv2b');
    const mat = readFixture(new URL('../formats/x.ts', import.meta.url).href, 'mat_bciciv2b');
    const cfg = mat.config<Record<string, { x_5_2_7: number }>>();
    const d = await loadBCICIV2b({ root, subject: 1, sessions: 'train' });
    expect(d.shape).toEqual([360, 3, 1000]);
    expect(d.sampleRate).toBe(250);
    expect(d.labels.filter((l) => l === 0).length).toBe(180);
    // data[t=5, c=2, trial=7] in MATLAB = trials[7, 2, 5]
    expect(d.data[7 * 3000 + 2 * 1000 + 5]).toBeCloseTo(cfg['B0101T.mat']!.x_5_2_7, 4);
    const e = await loadBCICIV2b({ root, subject: 9, sessions: [4] });
    expect(e.shape).toEqual([120, 3, 1000]);
    const before = memory().numTensors;
    const { x, y } = trialsToTensors(e, { addChannelDim: true });
    expect([x.shape, y.shape]).toEqual([[120, 1, 3, 1000], [120]]);
    x.dispose();
    y.dispose();
    expect(memory().numTensors).toBe(before);
    mat.dispose();
  });

  for (const format of ['gdf', 'mat'] as const) {
    it(`BCI IV 2a (synthetic ${format.toUpperCase()}): 22 channels × 1125, artifact trials dropped`, async () => {
      const root = fixturePath(import.meta.url, '');
      const fx = readFixture(import.meta.url, 'bciciv2a_expected');
      const cfg = fx.config<{ labels: number[]; shape: number[] }>();
      const d = await loadBCICIV2a({ root, subject: 9, split: 'train', format });
      expect(d.shape).toEqual(cfg.shape);
      expect(Array.from(d.labels)).toEqual(cfg.labels);
      const [N, C, T] = d.shape;
      const sums: number[] = [];
      const first: number[] = [];
      for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
        const row = d.data.subarray((n * C + c) * T, (n * C + c + 1) * T);
        sums.push(row.reduce((a, b) => a + b, 0));
        first.push(...row.subarray(0, 4));
      }
      assertClose(sums, fx.get('out.X.sum').dataSync(), { atol: 1e-2, rtol: 1e-5, name: 'trial sums' });
      assertClose(first, fx.get('out.X.first').dataSync(), { atol: 1e-4, rtol: 1e-5, name: 'first samples' });
      fx.dispose();
    });
  }
});
