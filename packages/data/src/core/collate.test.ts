import { beforeAll, describe, expect, it } from 'vitest';
import { type Tensor, memory, tensor1d } from '@tensorflow/tfjs-core';
import { initBackend } from '@nnkit/tensor';
import { defaultCollate, disposeBatch } from './collate.js';

beforeAll(async () => {
  await initBackend();
});

describe('defaultCollate', () => {
  it('collates nested objects, tuples, typed arrays, tensors, numbers, booleans, strings', () => {
    const before = memory().numTensors;
    const t0 = tensor1d([1, 2]);
    const t1 = tensor1d([3, 4]);
    const samples = [
      { x: new Float32Array([1, 2, 3]), y: 0, meta: { id: 'a', w: 0.5, ok: true }, pair: [t0, new Uint8Array([1, 2])] },
      { x: new Float32Array([4, 5, 6]), y: 2, meta: { id: 'b', w: 1, ok: false }, pair: [t1, new Uint8Array([3, 4])] },
    ];
    interface B {
      x: Tensor;
      y: Tensor;
      meta: { id: string[]; w: Tensor; ok: Tensor };
      pair: [Tensor, Tensor];
    }
    const b = defaultCollate<B>(samples);
    expect(b.x.shape).toEqual([2, 3]);
    expect(b.x.dtype).toBe('float32');
    expect(Array.from(b.x.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(b.y.dtype).toBe('int32');
    expect(Array.from(b.y.dataSync())).toEqual([0, 2]);
    expect(b.meta.id).toEqual(['a', 'b']);
    expect(b.meta.w.dtype).toBe('float32');
    expect(b.meta.ok.dtype).toBe('bool');
    expect(b.pair[0].shape).toEqual([2, 2]);
    expect(Array.from(b.pair[0].dataSync())).toEqual([1, 2, 3, 4]);
    expect(b.pair[1].dtype).toBe('int32');
    disposeBatch(b);
    disposeBatch([t0, t1]);
    expect(memory().numTensors).toBe(before);
  });

  it('names the offending path on mismatches', () => {
    expect(() => defaultCollate([{ a: [new Float32Array(2)] }, { a: [new Float32Array(3)] }])).toThrow(/defaultCollate at 'a\.0': expected sample 1 of shape \[2\] \(typed arrays must have equal length, as sample 0\), got \[3\]/);
    expect(() => defaultCollate([{ a: 1 }, { a: 'x' }])).toThrow(/number.*string.*'a'/);
    expect(() => defaultCollate([[1, 2], [1]])).toThrow(/equal size/);
    expect(() => defaultCollate([])).toThrow(/empty/);
    const t = [tensor1d([1]), tensor1d([1, 2])];
    expect(() => defaultCollate(t)).toThrow(/equal size/);
    disposeBatch(t);
  });
});
