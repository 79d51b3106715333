import { engine, memory, randomNormal, tensor, tidy, transpose, type Tensor } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { batchedTransposeForm, hasSimdTranspose, transposeSteps } from './transpose-rows.js';

/** `x` (row-major, `shape`) permuted by `perm`, one value at a time: the definition. */
function reference(x: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): number[] {
  const outShape = perm.map((a) => shape[a]!);
  const inStrides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out: number[] = [];
  const idx = outShape.map(() => 0);
  const n = outShape.reduce((a, b) => a * b, 1);
  for (let k = 0; k < n; k++) {
    out.push(x[perm.reduce((o, a, j) => o + idx[j]! * inStrides[a]!, 0)]!);
    for (let j = outShape.length - 1; j >= 0; j--) {
      if (++idx[j]! < outShape[j]!) break;
      idx[j] = 0;
    }
  }
  return out;
}

/** Values 0, 1, 2… (every one distinct, so a misplaced value shows). */
const iota = (shape: number[], dtype: 'float32' | 'int32'): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, (_, i) => (dtype === 'float32' ? i + 0.5 : i - 7)), shape, dtype);
};

const cases: { name: string; shape: number[]; perm: number[] }[] = [
  { name: 'NHWC → NCHW, 8 channels (a conv output)', shape: [3, 5, 37, 8], perm: [0, 3, 1, 2] },
  { name: 'NCHW → NHWC, odd sizes (both tails)', shape: [2, 7, 3, 11], perm: [0, 2, 3, 1] },
  { name: 'plain 2-D, more than one 32-column tile', shape: [45, 70], perm: [1, 0] },
  { name: 'fewer than 4 rows', shape: [3, 2, 9], perm: [0, 2, 1] },
  { name: 'fewer than 4 columns', shape: [2, 13, 3], perm: [0, 2, 1] },
  { name: 'size-1 axes dropped', shape: [1, 6, 1, 10], perm: [3, 2, 0, 1] },
  { name: 'tokens [B, N, C] → [B, C, N]', shape: [2, 64, 36], perm: [0, 2, 1] },
];

/** Permutations that take two passes (`transposeSteps`). */
const twoPass: { name: string; shape: number[]; perm: number[] }[] = [
  { name: 'OIHW → HWIO (a conv weight to the kernels’ layout)', shape: [13, 6, 3, 3], perm: [2, 3, 1, 0] },
  { name: 'HWIO → OIHW (a filter gradient back)', shape: [3, 5, 7, 9], perm: [3, 2, 0, 1] },
  { name: 'three axes reversed, odd sizes', shape: [5, 3, 7], perm: [2, 1, 0] },
  { name: 'a leading batch, then reversed', shape: [2, 3, 5, 4], perm: [0, 3, 2, 1] },
];

describe('transpose-rows wasm SIMD kernel', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('is installed on wasm with SIMD', () => {
    expect(hasSimdTranspose(engine().backend)).toBe(true);
  });

  for (const c of cases) {
    for (const dtype of ['float32', 'int32'] as const) {
      it(`${c.name} (${dtype}): every value in its place`, () => {
        expect(batchedTransposeForm(c.shape, c.perm), 'the case runs on the SIMD kernel').not.toBeNull();
        const x = iota(c.shape, dtype);
        const y = transpose(x, c.perm);
        expect(y.shape).toEqual(c.perm.map((a) => c.shape[a]));
        expect(y.dtype).toBe(dtype);
        expect(Array.from(y.dataSync())).toEqual(reference(x.dataSync(), c.shape, c.perm));
        x.dispose();
        y.dispose();
      });
    }
  }

  for (const c of twoPass) {
    it(`${c.name}: two passes, every value in its place`, () => {
      expect(transposeSteps(c.shape, c.perm)).toHaveLength(2);
      const x = iota(c.shape, 'float32');
      const y = transpose(x, c.perm);
      expect(Array.from(y.dataSync())).toEqual(reference(x.dataSync(), c.shape, c.perm));
      tidy(() => [x, y].forEach((t) => t.dispose()));
    });
  }

  it('plans a PyTorch ↔ HWIO weight as two batched transposes', () => {
    expect(transposeSteps([3, 3, 448, 384], [3, 2, 0, 1])).toEqual([
      { B: 9, R: 448, C: 384 },
      { B: 1, R: 9, C: 172032 },
    ]);
    expect(transposeSteps([384, 448, 3, 3], [2, 3, 1, 0])).toEqual([
      { B: 384, R: 448, C: 9 },
      { B: 1, R: 384, C: 4032 },
    ]);
    expect(transposeSteps([2, 3, 4, 5], [1, 0, 3, 2])).toBeNull();
    expect(transposeSteps([5, 6, 3], [1, 0, 2])).toBeNull(); // an innermost run kept: tfjs copies runs
  });

  it('any permutation of any small shape: every value in its place, no tensor left behind (property)', () => {
    const arb = fc
      .array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 5 })
      .chain((shape) => fc.tuple(fc.constant(shape), fc.shuffledSubarray([...shape.keys()], { minLength: shape.length, maxLength: shape.length })));
    fc.assert(
      fc.property(arb, ([shape, perm]) => {
        const before = memory().numTensors;
        const x = iota(shape, 'float32');
        const y = transpose(x, perm);
        const ok = JSON.stringify(Array.from(y.dataSync())) === JSON.stringify(reference(x.dataSync(), shape, perm));
        x.dispose();
        y.dispose();
        return ok && memory().numTensors === before;
      }),
      { numRuns: 150 },
    );
  });

  it('reduces permutations to [B, R, C] and refuses the others', () => {
    expect(batchedTransposeForm([64, 22, 1000, 8], [0, 3, 1, 2])).toEqual({ B: 64, R: 22000, C: 8 });
    expect(batchedTransposeForm([64, 8, 22, 1000], [0, 2, 3, 1])).toEqual({ B: 64, R: 8, C: 22000 });
    expect(batchedTransposeForm([4, 5, 6], [2, 0, 1])).toEqual({ B: 1, R: 20, C: 6 });
    expect(batchedTransposeForm([4, 5, 6], [1, 0, 2])).toBeNull(); // [R, C] blocks of 6: not this form
    expect(batchedTransposeForm([4, 5, 6], [0, 1, 2])).toBeNull(); // identity
    expect(batchedTransposeForm([4, 0, 6], [0, 2, 1])).toBeNull(); // empty
  });

  it('keeps the other permutations, bool tensors and empty tensors on the wrapped kernel', () => {
    const x = iota([4, 5, 6], 'float32');
    const x4 = iota([2, 3, 4, 5], 'float32');
    expect(transposeSteps(x4.shape, [1, 0, 3, 2])).toBeNull();
    expect(Array.from(transpose(x4, [1, 0, 3, 2]).dataSync())).toEqual(reference(x4.dataSync(), [2, 3, 4, 5], [1, 0, 3, 2]));
    expect(Array.from(transpose(x, [1, 0, 2]).dataSync())).toEqual(reference(x.dataSync(), [4, 5, 6], [1, 0, 2]));
    const b = tensor([true, false, true, true, false, false], [2, 3], 'bool');
    expect(Array.from(transpose(b, [1, 0]).dataSync())).toEqual([1, 1, 0, 0, 1, 0]);
    expect(transpose(tensor([], [0, 3]), [1, 0]).shape).toEqual([3, 0]);
  });

  it('leaks no tensor', () => {
    const x = randomNormal([2, 9, 6]);
    const before = memory().numTensors;
    tidy(() => transpose(x, [0, 2, 1]).dataSync());
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });

  it('property: any shape and permutation of rank 1–5 moves every value to its place', () => {
    const arb = fc
      .integer({ min: 1, max: 5 })
      .chain((rank) =>
        fc.record({
          shape: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: rank, maxLength: rank }),
          perm: fc.shuffledSubarray([...Array(rank).keys()], { minLength: rank, maxLength: rank }),
          int: fc.boolean(),
        }),
      );
    fc.assert(
      fc.property(arb, ({ shape, perm, int }) => {
        const x = iota(shape, int ? 'int32' : 'float32');
        const y = transpose(x, perm);
        const ok = JSON.stringify(Array.from(y.dataSync())) === JSON.stringify(reference(x.dataSync(), shape, perm));
        x.dispose();
        y.dispose();
        return ok;
      }),
      { numRuns: 300 },
    );
  });
});
