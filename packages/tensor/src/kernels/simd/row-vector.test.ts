import { add, engine, grad, memory, mul, sum, tensor, tidy, type Tensor } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { hasSimdRowVector, rowVectorForm } from './row-vector.js';

/** Distinct, non-round float32 values (so a misplaced or rounded value shows). */
const values = (n: number, seed: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 12.9898 + seed) * 43.758));

/** `a op v` with `v` along the last axis, one float32 operation per element: the definition. */
function reference(a: Float32Array, v: Float32Array, op: 'add' | 'mul'): Float32Array {
  return a.map((x, i) => Math.fround(op === 'add' ? x + v[i % v.length]! : x * v[i % v.length]!));
}

const cases: { name: string; full: number[]; vec: number[] }[] = [
  { name: 'LeNet conv1 bias: 6 channels (tile of 24)', full: [3, 7, 5, 6], vec: [6] },
  { name: '8 channels as [1, 1, 1, C] (an NHWC bias)', full: [2, 3, 5, 8], vec: [1, 1, 1, 8] },
  { name: '3 channels, fewer values than the tile', full: [1, 3], vec: [3] },
  { name: 'one channel', full: [5, 7], vec: [1] },
  { name: 'odd channel count, not a whole tile at the end', full: [7, 5], vec: [5] },
  { name: 'long rows (the vector is the tile)', full: [3, 2, 288], vec: [288] },
  { name: 'vector of rank 2 against rank 3', full: [2, 9, 10], vec: [1, 10] },
];

describe('row-vector wasm SIMD kernel', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('is installed on wasm with SIMD', () => {
    expect(hasSimdRowVector(engine().backend)).toBe(true);
  });

  for (const c of cases) {
    for (const op of ['add', 'mul'] as const) {
      it(`${c.name} (${op}, both operand orders): bit for bit the float32 definition`, () => {
        const n = c.full.reduce((p, d) => p * d, 1);
        const av = values(n, 1);
        const vv = values(c.vec.reduce((p, d) => p * d, 1), 2);
        tidy(() => {
          const a = tensor(av, c.full);
          const v = tensor(vv, c.vec);
          const f = op === 'add' ? add : mul;
          const expected = Array.from(reference(av, vv, op));
          for (const y of [f(a, v), f(v, a)]) {
            expect(y.shape).toEqual(c.full);
            expect(Array.from(y.dataSync())).toEqual(expected);
          }
        });
      });
    }
  }

  it('recognises a row vector along the last axis and nothing else', () => {
    expect(rowVectorForm([32, 28, 28, 6], [1, 1, 1, 6])).toEqual({ full: 0, C: 6 });
    expect(rowVectorForm([6], [4, 6])).toEqual({ full: 1, C: 6 });
    expect(rowVectorForm([4, 6], [4, 6])).toBeNull(); // same shape
    expect(rowVectorForm([4, 6], [4, 1])).toBeNull(); // a column
    expect(rowVectorForm([4, 6], [2, 6])).toBeNull(); // not all ones but the last
    expect(rowVectorForm([6], [1, 1, 6])).toBeNull(); // the vector's rank is higher: another output shape
    expect(rowVectorForm([0, 6], [6])).toBeNull(); // empty
    expect(rowVectorForm([4, 6], [])).toBeNull(); // a scalar: tfjs' loop
  });

  it('keeps int32 operands and other broadcasts on the wrapped kernels', () => {
    expect(Array.from(add(tensor([1, 2, 3, 4], [2, 2], 'int32'), tensor([10, 20], [2], 'int32')).dataSync())).toEqual([11, 22, 13, 24]);
    expect(Array.from(add(tensor([1, 2, 3, 4], [2, 2]), tensor([10, 20], [2, 1])).dataSync())).toEqual([11, 12, 23, 24]);
    expect(Array.from(mul(tensor([1, 2, 3, 4], [2, 2]), tensor(2)).dataSync())).toEqual([2, 4, 6, 8]);
  });

  it('leaves no tensor and no backend buffer behind (the tile is freed)', () => {
    const a = tensor(values(60, 3), [2, 5, 6]);
    const v = tensor(values(6, 4), [6]);
    const backend = engine().backend;
    const tensors = memory().numTensors;
    const buffers = backend.numDataIds();
    tidy(() => add(a, v).dataSync());
    expect(memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(buffers);
    a.dispose();
    v.dispose();
  });

  it('keeps the gradient of a bias: dy summed over every row', () => {
    tidy(() => {
      const a = tensor(values(42, 5), [7, 6]);
      const g = grad((v: Tensor) => sum(mul(add(a, v), a)))(tensor(values(6, 6), [6]));
      const col = Array.from({ length: 6 }, (_, c) => Array.from(a.dataSync()).filter((_, i) => i % 6 === c).reduce((s, x) => s + x, 0));
      Array.from(g.dataSync()).forEach((x, c) => expect(x).toBeCloseTo(col[c]!, 3));
    });
  });

  it('property: any shape and row vector of rank 1–4 gives the float32 definition, bit for bit', () => {
    const arb = fc.record({
      shape: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
      vecRank: fc.integer({ min: 1, max: 4 }),
      mul: fc.boolean(),
      swap: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, ({ shape, vecRank, mul: isMul, swap }) => {
        const C = shape[shape.length - 1]!;
        const vecShape = [...Array<number>(Math.min(vecRank, shape.length) - 1).fill(1), C];
        const n = shape.reduce((p, d) => p * d, 1);
        const av = values(n, 7);
        const vv = values(C, 8);
        return tidy(() => {
          const a = tensor(av, shape);
          const v = tensor(vv, vecShape);
          const f = isMul ? mul : add;
          const y = swap ? f(v, a) : f(a, v);
          return JSON.stringify(Array.from(y.dataSync())) === JSON.stringify(Array.from(reference(av, vv, isMul ? 'mul' : 'add')));
        });
      }),
      { numRuns: 300 },
    );
  });
});
