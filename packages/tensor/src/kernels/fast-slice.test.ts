import fc from 'fast-check';
import { memory, slice, tensor, tidy } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { sliceRuns } from './fast-slice.js';

/** Reference slice by multi-index. */
function naiveSlice(x: Float32Array, shape: number[], begin: number[], size: number[]): number[] {
  const out: number[] = [];
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  const total = size.reduce((a, b) => a * b, 1);
  for (let n = 0; n < total; n++) {
    let rem = n;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = (rem % size[d]!) + begin[d]!;
      rem = Math.floor(rem / size[d]!);
    }
    let flat = 0;
    for (let d = 0; d < rank; d++) flat = flat * shape[d]! + idx[d]!;
    out.push(x[flat]!);
  }
  return out;
}

const box = fc
  .array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 6 })
  .chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.tuple(...shape.map((d) => fc.integer({ min: 0, max: d - 1 }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 1, max: d - b }))))),
    ),
  );

describe('sliceRuns', () => {
  it('copies any box of any shape (property, runs short and long)', () => {
    fc.assert(
      fc.property(box, ([shape, bs]) => {
        const begin = bs.map((p) => p[0]);
        const size = bs.map((p) => p[1]);
        const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i);
        const out = new Float32Array(size.reduce((a, b) => a * b, 1));
        sliceRuns(x, shape, begin, size, out);
        expect(Array.from(out)).toEqual(naiveSlice(x, shape, begin, size));
      }),
      { numRuns: 300 },
    );
  });

  it('uses long runs for time-step cuts (a [64, 1, 1025, 16] cut equals the reference)', () => {
    const shape = [4, 1, 1025, 16];
    const x = Float32Array.from({ length: 4 * 1025 * 16 }, (_, i) => i);
    const out = new Float32Array(4 * 1000 * 16);
    sliceRuns(x, shape, [0, 0, 25, 0], [4, 1, 1000, 16], out);
    expect(Array.from(out)).toEqual(naiveSlice(x, shape, [0, 0, 25, 0], [4, 1, 1000, 16]));
  });
});

describe('Slice kernel on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('keeps tfjs semantics: size -1, scalar begin/size, int32 and bool, rank 0 to 6, empty boxes', () => {
    tidy(() => {
      const x = tensor(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
      expect(Array.from(slice(x, [1, 0, 2], [-1, 2, -1]).dataSync())).toEqual([14, 15, 18, 19]);
      expect(slice(x, 1).shape).toEqual([1, 3, 4]);
      expect(Array.from(slice(tensor([1, 2, 3, 4], [4], 'int32'), [1], [2]).dataSync())).toEqual([2, 3]);
      expect(slice(tensor([1, 2, 3, 4], [4], 'int32'), [1], [2]).dtype).toBe('int32');
      expect(Array.from(slice(tensor([true, false, true], [3], 'bool'), [1], [2]).dataSync())).toEqual([0, 1]);
      expect(slice(x, [0, 0, 0], [2, 0, 4]).shape).toEqual([2, 0, 4]);
      const y6 = tensor(Array.from({ length: 64 }, (_, i) => i), [2, 2, 2, 2, 2, 2]);
      expect(Array.from(slice(y6, [1, 0, 1, 0, 1, 0], [1, 2, 1, 2, 1, 2]).dataSync())).toEqual(
        naiveSlice(Float32Array.from({ length: 64 }, (_, i) => i), [2, 2, 2, 2, 2, 2], [1, 0, 1, 0, 1, 0], [1, 2, 1, 2, 1, 2]),
      );
    });
  });

  it('does not leak', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const before = memory().numTensors;
    slice(x, [0, 1], [2, 2]).dispose();
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });
});
