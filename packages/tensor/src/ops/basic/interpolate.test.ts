import { image, memory, tensor4d } from '@tensorflow/tfjs-core';
import { assertClose, readFixture } from '@nnkit/tooling-testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { ArgumentError } from '../../errors/index.js';
import { interpolateNearest, nearestIndices } from './interpolate.js';

beforeAll(async () => {
  await initBackend();
});

describe("interpolateNearest = F.interpolate(mode='nearest') (tooling/parity/generators/gen_vision.py)", () => {
  it('picks PyTorch’s source index for every (in, out) pair of the fixture', () => {
    const fx = readFixture(import.meta.url, 'nearest');
    const idx = fx.config<{ indices: Record<string, number[]> }>().indices;
    for (const [k, want] of Object.entries(idx)) {
      const [i, o] = k.split('x').map(Number) as [number, number];
      expect(Array.from(nearestIndices(i, o)), k).toEqual(want);
    }
    fx.dispose();
  });

  it('resizes [B, C, H, W] like PyTorch, up and down, without leaks', () => {
    const fx = readFixture(import.meta.url, 'nearest');
    const before = memory().numTensors;
    for (const [h, w] of [[13, 25], [6, 5]] as const) {
      const y = interpolateNearest(fx.get('in.x'), [h, w]);
      assertClose(y, fx.get(`out.r9x12_to_${h}x${w}`), { atol: 0, name: `nearest ${h}x${w}` });
      y.dispose();
    }
    expect(memory().numTensors).toBe(before);
    fx.dispose();
  });

  it('tfjs resizeNearestNeighbor (no align corners, no half-pixel centres) agrees on these pairs', () => {
    const fx = readFixture(import.meta.url, 'nearest');
    const idx = fx.config<{ indices: Record<string, number[]> }>().indices;
    const differ: string[] = [];
    for (const [k, want] of Object.entries(idx)) {
      const [i, o] = k.split('x').map(Number) as [number, number];
      const src = tensor4d(Array.from({ length: i }, (_, v) => v), [1, i, 1, 1]);
      const r = image.resizeNearestNeighbor(src, [o, 1]);
      if (Array.from(r.dataSync()).some((v, n) => v !== want[n])) differ.push(k);
      [src, r].forEach((t) => t.dispose());
    }
    expect(differ).toEqual([]);
    fx.dispose();
  });

  it('refuses a bad size', () => {
    const fx = readFixture(import.meta.url, 'nearest');
    expect(() => interpolateNearest(fx.get('in.x'), [0, 3])).toThrow(ArgumentError);
    fx.dispose();
  });
});
