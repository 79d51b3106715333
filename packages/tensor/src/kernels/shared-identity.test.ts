import { clone, getKernel, memory, tensor, tidy } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { installSharedIdentity } from './shared-identity.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('installSharedIdentity (wasm)', () => {
  it('is installed by initBackend and idempotent', () => {
    expect(getKernel('Identity', 'wasm')).toBeDefined();
    expect(installSharedIdentity('wasm')).toBe(false);
    expect(installSharedIdentity('cpu')).toBe(false);
  });

  it('clone shares the data: same values, one buffer, independent lifetimes, nothing leaks', () => {
    const before = memory();
    const x = tensor([[1, -2, 3], [4.5, 5, -6]]);
    const y = clone(x);
    expect(y.dataId).toBe(x.dataId);
    expect(y.shape).toEqual([2, 3]);
    expect(memory().numDataBuffers).toBe(before.numDataBuffers + 1);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, -2, 3, 4.5, 5, -6]);
    y.dispose();
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numDataBuffers).toBe(before.numDataBuffers);
  });

  it('int32 and bool clones keep their dtype and values', () => {
    const i = tensor([1, 2, 3], [3], 'int32');
    const b = tensor([1, 0, 1], [3], 'bool');
    tidy(() => {
      expect(clone(i).dtype).toBe('int32');
      expect(Array.from(clone(i).dataSync())).toEqual([1, 2, 3]);
      expect(Array.from(clone(b).dataSync())).toEqual([1, 0, 1]);
    });
    i.dispose();
    b.dispose();
  });

  it('string tensors still get a copy from the original kernel', () => {
    const s = tensor(['a', 'bc']);
    const c = clone(s);
    s.dispose();
    expect(c.dataSync()).toEqual(['a', 'bc']);
    c.dispose();
  });
});
