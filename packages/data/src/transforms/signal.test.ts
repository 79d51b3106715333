import { beforeAll, describe, expect, it } from 'vitest';
import { memory, tensor2d } from '@tensorflow/tfjs-core';
import { initBackend } from '@nnkit/tensor';
import { assertClose, readFixture } from '@nnkit/tooling-testing';
import { bandpass, butterSos, sosfiltfilt } from './butterworth.js';
import { resample } from './resample.js';
import { exponentialMovingStandardize } from './eeg-standardize.js';
import { cropTime } from './crop-time.js';

// the fixtures are read while the tests are collected (one test per case), so the backend starts first
await initBackend();
beforeAll(async () => {
  await initBackend();
});

interface BpCase { name: string; fs: number; low: number | null; high: number | null; order: number; padtype?: 'odd' | 'even' | 'constant' | null; padlen?: number }

describe('bandpass vs scipy.signal.sosfiltfilt(butter(...))', () => {
  const fx = readFixture(import.meta.url, 'bandpass');
  const cases = fx.config<{ cases: BpCase[] }>().cases;
  for (const c of cases) {
    it(c.name, () => {
      const x = fx.get(`in.${c.name}`);
      const opts: Parameters<typeof bandpass>[4] = { order: c.order };
      if (c.padtype !== undefined) opts.padtype = c.padtype;
      if (c.padlen !== undefined) opts.padlen = c.padlen;
      const before = memory().numTensors;
      const y = bandpass(x, c.fs, c.low, c.high, opts);
      const ref = fx.get(`out.${c.name}`);
      // scale-aware tolerance: outputs are O(1..10) in float32
      assertClose(y, ref, { atol: 1e-4, rtol: 1e-4, name: c.name });
      y.dispose();
      expect(memory().numTensors).toBe(before);
      // the 1-D typed-array path gives the same first channel
      const row = Float64Array.from(x.dataSync().subarray(0, x.shape[1]!));
      const y1 = bandpass(row, c.fs, c.low, c.high, opts);
      expect(y1).toBeInstanceOf(Float64Array);
      assertClose(y1, ref.dataSync().subarray(0, x.shape[1]!), { atol: 1e-4, rtol: 1e-4, name: `${c.name} 1-D` });
    });
  }

  it('has the same frequency response as scipy sections', () => {
    // impulse through our cascade vs scipy's sos (float32-stored): same filter, different pairing allowed
    const c = cases[0]!;
    const theirs = fx.get(`sos.${c.name}`).arraySync() as number[][];
    const ours = butterSos(c.order, [c.low!, c.high!], 'bandpass', c.fs);
    const imp = new Float64Array(400);
    imp[200] = 1;
    const a = sosfiltfilt(ours, imp.slice());
    const b = sosfiltfilt(theirs, imp.slice());
    assertClose(a, b, { atol: 1e-5, rtol: 1e-3, name: 'impulse response' });
  });

  it('rejects bad arguments with clear messages', () => {
    expect(() => bandpass(new Float32Array(1000), 250, 40, 4)).toThrow(/low < high/);
    expect(() => bandpass(new Float32Array(1000), 250, 4, 125)).toThrow(/fs\/2/);
    expect(() => bandpass(new Float32Array(20), 250, 4, 40)).toThrow(/padlen, which is 27/);
    expect(() => bandpass(new Float32Array(100), 250, null, null)).toThrow(/at least one/);
  });
});

describe('resample vs scipy.signal.resample_poly', () => {
  const fx = readFixture(import.meta.url, 'resample');
  for (const c of fx.config<{ cases: { name: string; fromFs: number; toFs: number; padtype: 'constant' | 'mean' }[] }>().cases) {
    it(c.name, () => {
      const y = resample(fx.get(`in.${c.name}`), c.fromFs, c.toFs, { padtype: c.padtype });
      assertClose(y, fx.get(`out.${c.name}`), { atol: 1e-4, rtol: 1e-4, name: c.name });
      y.dispose();
    });
  }
  it('keeps arrays of channels as arrays', () => {
    const y = resample([new Float32Array(100), [1, 2, 3, 4]], 4, 2);
    expect(y.map((r) => r.length)).toEqual([50, 2]);
  });
});

describe('exponentialMovingStandardize vs braindecode', () => {
  const fx = readFixture(import.meta.url, 'ems');
  for (const c of fx.config<{ cases: { name: string; factorNew: number; initBlockSize: number | null; eps: number }[] }>().cases) {
    it(c.name, () => {
      const opts: Parameters<typeof exponentialMovingStandardize>[1] = { factorNew: c.factorNew, eps: c.eps };
      if (c.initBlockSize !== null) opts.initBlockSize = c.initBlockSize;
      const y = exponentialMovingStandardize(fx.get(`in.${c.name}`), opts);
      assertClose(y, fx.get(`out.${c.name}`), { atol: 1e-4, rtol: 1e-4, name: c.name });
      y.dispose();
    });
  }
});

describe('cropTime', () => {
  it('slices the last axis like x[..., a:b]', () => {
    const x = tensor2d([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]);
    const y = cropTime(x, 1, -1);
    expect(y.arraySync()).toEqual([[1, 2, 3], [6, 7, 8]]);
    expect(Array.from(cropTime(new Float32Array([0, 1, 2, 3]), 2))).toEqual([2, 3]);
    expect(cropTime([[0, 1, 2], [3, 4, 5]], 0, 2)).toEqual([[0, 1], [3, 4]]);
    x.dispose();
    y.dispose();
  });
});
