import { engine, getKernelsForBackend } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

describe('package entry', () => {
  it('imports without registering a backend, a kernel or a gradient (tree-shaking stays honest)', async () => {
    const before = Object.keys(engine().registryFactory);
    const mod = await import('./index.js');
    expect(typeof mod).toBe('object');
    expect(Object.keys(engine().registryFactory)).toEqual(before);
    expect(getKernelsForBackend('wasm')).toEqual([]);
  });
});
