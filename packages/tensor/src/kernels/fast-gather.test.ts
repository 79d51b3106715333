import fc from 'fast-check';
import { gather, grad, memory, sum, tensor, tensor1d, tidy } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { gatherRuns } from './fast-gather.js';

/** Reference gather of `[B, O, D, S]` with `[B, n]` indices, element by element. */
function naiveGather(x: Float32Array, dims: [number, number, number, number], idx: Int32Array): number[] {
  const [B, O, D, S] = dims;
  const n = idx.length / B;
  const out: number[] = [];
  for (let b = 0; b < B; b++) for (let o = 0; o < O; o++) for (let i = 0; i < n; i++) for (let s = 0; s < S; s++) out.push(x[((b * O + o) * D + idx[b * n + i]!) * S + s]!);
  return out;
}

const problem = fc
  .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 130 }), fc.integer({ min: 0, max: 6 }))
  .chain(([B, O, D, S, n]) => fc.tuple(fc.constant([B, O, D, S] as [number, number, number, number]), fc.array(fc.integer({ min: 0, max: D - 1 }), { minLength: B * n, maxLength: B * n })));

describe('gatherRuns', () => {
  it('gathers any rows of any [B, O, D, S] view (property, runs short and long)', () => {
    fc.assert(
      fc.property(problem, ([dims, ix]) => {
        const x = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i);
        const idx = Int32Array.from(ix);
        const out = new Float32Array((dims[0] * dims[1] * idx.length * dims[3]) / dims[0]);
        gatherRuns(x, idx, dims, out);
        expect(Array.from(out)).toEqual(naiveGather(x, dims, idx));
      }),
      { numRuns: 300 },
    );
  });
});

for (const backend of ['wasm', 'cpu'] as const) {
describe(`GatherV2 kernel on ${backend}`, () => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('gathers rows of a [N, C, T] tensor (a data loader batch)', () => {
    tidy(() => {
      const x = tensor(Array.from({ length: 5 * 2 * 70 }, (_, i) => i), [5, 2, 70]);
      const g = gather(x, tensor1d([4, 0, 4], 'int32'));
      expect(g.shape).toEqual([3, 2, 70]);
      const v = g.dataSync();
      expect(v[0]).toBe(4 * 140);
      expect(v[140]).toBe(0);
      expect(v[2 * 140 + 139]).toBe(4 * 140 + 139);
    });
  });

  it('keeps tfjs semantics: inner axis, negative axis, batchDims, 2-d indices, int32 and bool', () => {
    tidy(() => {
      const x = tensor(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
      expect(Array.from(gather(x, tensor1d([3, 1], 'int32'), 2).dataSync())).toEqual([3, 1, 7, 5, 11, 9, 15, 13, 19, 17, 23, 21]);
      expect(Array.from(gather(x, tensor1d([3, 1], 'int32'), -1).dataSync())).toEqual([3, 1, 7, 5, 11, 9, 15, 13, 19, 17, 23, 21]);
      expect(gather(x, tensor([[0, 1], [1, 0]], [2, 2], 'int32'), 1).shape).toEqual([2, 2, 2, 4]);
      const bd = gather(x, tensor([[2], [0]], [2, 1], 'int32'), 1, 1);
      expect(bd.shape).toEqual([2, 1, 4]);
      expect(Array.from(bd.dataSync())).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
      const xi = gather(tensor([5, 6, 7], [3], 'int32'), tensor1d([2, 2, 0], 'int32'));
      expect(xi.dtype).toBe('int32');
      expect(Array.from(xi.dataSync())).toEqual([7, 7, 5]);
      expect(Array.from(gather(tensor([true, false], [2], 'bool'), tensor1d([1, 0], 'int32')).dataSync())).toEqual([0, 1]);
      expect(gather(x, tensor1d([], 'int32')).shape).toEqual([0, 3, 4]);
    });
  });

  it('throws on an index out of range, as the original kernel', () => {
    tidy(() => {
      const x = tensor([1, 2, 3], [3]);
      expect(() => gather(x, tensor1d([3], 'int32'))).toThrow(/GatherV2: the index value 3 is not in \[0, 2\]/);
      expect(() => gather(x, tensor1d([-1], 'int32'))).toThrow(/GatherV2/);
    });
  });

  it('keeps its gradient (scatter-add of the rows)', () => {
    tidy(() => {
      const x = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
      const dx = grad((t) => sum(gather(t, tensor1d([2, 0, 2], 'int32'))))(x);
      expect(Array.from(dx.dataSync())).toEqual([1, 1, 0, 0, 2, 2]);
    });
  });

  it('does not leak', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    const i = tensor1d([1], 'int32');
    const before = memory().numTensors;
    gather(x, i).dispose();
    expect(memory().numTensors).toBe(before);
    x.dispose();
    i.dispose();
  });
});
}
