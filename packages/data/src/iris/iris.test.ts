import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Tensor, memory } from '@tensorflow/tfjs-core';
import { initBackend } from '@nnkit/tensor';
import { sharedDataDir, needs, missingSharedData, firstMissing } from '@nnkit/tooling-testing';
import { IrisDataset, irisSplits, loadIris } from './load-iris.js';
import { DataLoader } from '../core/data-loader.js';
import { disposeBatch } from '../core/collate.js';

beforeAll(async () => {
  await initBackend();
});

describe('iris', () => {
  it('ships 150 rows, 50 per class', () => {
    const d = loadIris();
    expect(d.features.length).toBe(600);
    expect(d.labels.length).toBe(150);
    expect([0, 1, 2].map((c) => d.labels.filter((y) => y === c).length)).toEqual([50, 50, 50]);
    expect(d.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(d.features.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));
  });

  const csv = join(sharedDataDir(), 'iris.csv');
  needs(firstMissing(missingSharedData(), existsSync(csv) ? undefined : `no ${csv}`))('matches ../shared/data/iris.csv row by row', () => {
    const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    const d = loadIris();
    expect(rows.length).toBe(150);
    rows.forEach((r, i) => {
      expect(Array.from(d.features.subarray(i * 4, i * 4 + 4))).toEqual(r.slice(0, 4).map(Math.fround));
      expect(d.labels[i]).toBe(r[4]);
    });
  });

  it('shuffles reproducibly', () => {
    const a = loadIris({ shuffle: true, seed: 1 });
    const b = loadIris({ shuffle: true, seed: 1 });
    const c = loadIris({ shuffle: true, seed: 2 });
    expect(a.labels).toEqual(b.labels);
    expect(a.labels).not.toEqual(c.labels);
    expect(a.labels).not.toEqual(loadIris().labels);
  });

  it('irisSplits: 120/15/15, normalised to [0, 1], disjoint, seeded', async () => {
    const s = irisSplits({ seed: 42 });
    expect([s.train.length, s.dev.length, s.test.length]).toEqual([120, 15, 15]);
    const all = [s.train, s.dev, s.test].flatMap((ds) => Array.from(ds.data.features));
    expect(Math.min(...all)).toBe(0);
    expect(Math.max(...all)).toBe(1);
    const key = (ds: IrisDataset): string[] => Array.from({ length: ds.length }, (_, i) => Array.from(ds.get(i)[0]).join(','));
    const rowsSeen = new Set([...key(s.train), ...key(s.dev), ...key(s.test)]);
    expect(rowsSeen.size).toBeGreaterThanOrEqual(147); // the data has a few duplicate rows
    expect(irisSplits({ seed: 42 }).test.data.labels).toEqual(s.test.data.labels);
    expect(irisSplits({ seed: 7 }).test.data.labels).not.toEqual(s.test.data.labels);
    expect(Array.from(s.min)).toEqual([4.3, 2.0, 1.0, 0.1].map(Math.fround));

    const before = memory().numTensors;
    const loader = new DataLoader<[Float32Array, number], [Tensor, Tensor]>(s.train, { batchSize: 32, shuffle: true });
    let n = 0;
    for await (const [x, y] of loader) {
      expect(x.shape[1]).toBe(4);
      expect(y.dtype).toBe('int32');
      n += y.shape[0]!;
      disposeBatch([x, y]);
    }
    expect(n).toBe(120);
    const { x, y } = s.dev.toTensors();
    expect(x.shape).toEqual([15, 4]);
    disposeBatch([x, y]);
    expect(memory().numTensors).toBe(before);
  });
});
