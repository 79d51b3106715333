import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { initBackend, FormatError } from '@nnkit/tensor';
import { hasSharedData, sharedDataDir } from '@nnkit/tooling-testing';
import { memory, zeros } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { digitsToImages, parseDigitsCsv, trainDigits } from './digits.js';
import { SmallCbamCnn } from './cbam-cnn.js';

beforeAll(async () => {
  await initBackend();
});

it('parses the CSV and names a bad line', () => {
  const d = parseDigitsCsv(`${Array(64).fill(16).join(',')},7\n`);
  expect(d.labels).toEqual(Int32Array.from([7]));
  const x = digitsToImages(d);
  expect(x.shape).toEqual([1, 1, 32, 32]);
  expect(Math.max(...x.dataSync())).toBeCloseTo(1, 5);
  x.dispose();
  expect(() => parseDigitsCsv('1,2,3\n', 'bad.csv')).toThrow(FormatError);
  expect(() => parseDigitsCsv('1,2,3\n', 'bad.csv')).toThrow(/bad\.csv: line 1: expected 65 numbers/);
});

it('SmallCbamCnn maps [B, 1, 32, 32] to [B, 10] and names a wrong input', () => {
  const m = new SmallCbamCnn();
  const x = zeros([2, 1, 32, 32]);
  const y = m.call(x);
  expect(y.shape).toEqual([2, 10]);
  const bad = zeros([2, 3, 32, 32]);
  expect(() => m.call(bad)).toThrow(/^SmallCbamCnn: expected input of shape \[B, 1, H >= 4, W >= 4\]/);
  [x, y, bad].forEach((t) => t.dispose());
  m.dispose();
});

describe.skipIf(!hasSharedData())(`digits demo (real data${hasSharedData() ? '' : ' — skipped: ../shared/data is absent'})`, () => {
  it('LeNet reaches ≥ 0.9 held-out accuracy after 4 epochs (stratified 80/20, seeded)', async () => {
    const data = parseDigitsCsv(gunzipSync(readFileSync(join(sharedDataDir(), 'digits.csv.gz'))).toString('utf8'));
    expect(data.labels.length).toBe(1797);
    const before = memory().numTensors;
    const r = await trainDigits(data, { epochs: 4, lr: 2e-3, seed: 0 });
    expect(r.testSize).toBe(360);
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.confusion.flat().reduce((a, b) => a + b, 0)).toBe(360);
    const params = r.model.parameters().length;
    r.model.dispose();
    expect(memory().numTensors).toBeLessThanOrEqual(before + 2 * params); // Adam's moments only
  }, 300_000);
});
