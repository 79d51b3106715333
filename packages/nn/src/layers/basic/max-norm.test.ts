import { initBackend } from '@nnkit/tensor';
import { memory, norm, tensor2d } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Parameter } from '../../parameter.js';
import { maxNorm_ } from './max-norm.js';

beforeAll(async () => {
  await initBackend();
});

describe('maxNorm_', () => {
  it('renorms rows above the bound, skips an unchanged value, and renorms again after an assign', () => {
    const p = new Parameter(tensor2d([[3, 4], [0.3, 0.4]]));
    maxNorm_(p, 1);
    const rows = p.data.arraySync() as number[][];
    expect(rows[0]![0]).toBeCloseTo(0.6, 5);
    expect(rows[1]).toEqual([expect.closeTo(0.3, 6), expect.closeTo(0.4, 6)]);
    const id = p.data.dataId;
    const before = memory().numTensors;
    maxNorm_(p, 1); // unchanged: no work, same data
    expect(p.data.dataId).toBe(id);
    expect(memory().numTensors).toBe(before);
    const big = tensor2d([[6, 8], [0, 0]]);
    p.assign(big); // e.g. an optimizer step
    big.dispose();
    maxNorm_(p, 1);
    expect(norm(p.data).dataSync()[0]).toBeCloseTo(1, 5);
    maxNorm_(p, 0.5); // a different bound is applied
    expect(norm(p.data).dataSync()[0]).toBeCloseTo(0.5, 5);
    p.dispose();
  });
});
