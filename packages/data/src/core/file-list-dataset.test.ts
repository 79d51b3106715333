import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Tensor, memory } from '@tensorflow/tfjs-core';
import { initBackend } from '@nnkit/tensor';
import { FileListDataset, MappedDataset } from './file-list-dataset.js';
import { DataLoader } from './data-loader.js';
import { Generator } from './generator.js';
import { disposeBatch } from './collate.js';

const N = 10_000;
const L = 32;
let dir = '';
const paths: string[] = [];

beforeAll(async () => {
  await initBackend();
  dir = mkdtempSync(join(tmpdir(), 'nnkit-filelist-'));
  const buf = new Float32Array(L);
  for (let i = 0; i < N; i++) {
    buf.fill(i);
    const p = join(dir, `${i}.bin`);
    writeFileSync(p, new Uint8Array(buf.buffer));
    paths.push(p);
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('FileListDataset', () => {
  it('streams 10,000 files lazily with bounded memory and bounded in-flight loads', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let loads = 0;
    const ds = new FileListDataset(paths, async (p, i) => {
      inFlight++;
      loads++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const b = await readFile(p);
      inFlight--;
      return { x: new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4), y: i % 3 };
    });
    expect(loads).toBe(0); // nothing read at construction
    const batchSize = 50;
    const prefetch = 2;
    const loader = new DataLoader<{ x: Float32Array; y: number }, { x: Tensor; y: Tensor }>(ds, {
      batchSize,
      shuffle: true,
      prefetch,
      generator: new Generator(0),
    });
    expect(loader.length).toBe(N / batchSize);
    const tensorsBefore = memory().numTensors;
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const seen = new Uint8Array(N);
    let maxTensors = 0;
    let batches = 0;
    for await (const b of loader) {
      const xs = b.x.dataSync();
      const ys = b.y.dataSync();
      for (let k = 0; k < ys.length; k++) {
        const id = xs[k * L]!;
        seen[id]! += 1;
        expect(ys[k]).toBe(id % 3);
      }
      maxTensors = Math.max(maxTensors, memory().numTensors - tensorsBefore);
      disposeBatch(b);
      batches++;
    }
    expect(batches).toBe(N / batchSize);
    expect(seen.every((c) => c === 1)).toBe(true);
    expect(loads).toBe(N);
    // never more than the current batch plus `prefetch` batches in memory / in flight
    expect(maxInFlight).toBeLessThanOrEqual((prefetch + 1) * batchSize);
    expect(maxTensors).toBeLessThanOrEqual((prefetch + 1) * 2);
    expect(memory().numTensors).toBe(tensorsBefore);
    const growth = process.memoryUsage().heapUsed - heapBefore;
    expect(growth).toBeLessThan(64 * 1024 * 1024);
  });

  it('MappedDataset applies a transform lazily', async () => {
    const ds = new MappedDataset(new FileListDataset(paths.slice(0, 3), async (p) => (await readFile(p)).length), (n, i) => n + i);
    expect(await ds.get(2)).toBe(L * 4 + 2);
    expect(() => ds.get(3)).toThrow(/out of range/);
  });
});
