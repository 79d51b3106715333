import { fill, memory, zeros } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { OutOfMemoryError } from '../errors/errors.js';
import { explainWasmTrap, WASM_HEAP_MAX_BYTES, wasmHeapBytes } from './wasm-heap.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('wasm heap guard', () => {
  it('a tensor the 4 GiB heap cannot hold throws OutOfMemoryError naming the heap size, and the backend goes on', () => {
    const before = memory().numTensors;
    expect(() => fill([1073741000], 0)).toThrow(OutOfMemoryError);
    expect(() => fill([1073741000], 0)).toThrow(/cannot allocate a 4096 MiB tensor: the heap is at \d+ MiB of the 4096 MiB/);
    expect(memory().numTensors).toBe(before);
    const z = zeros([4]);
    expect(Array.from(z.dataSync())).toEqual([0, 0, 0, 0]);
    z.dispose();
  });

  it('reports the heap size', () => {
    const h = wasmHeapBytes()!;
    expect(h).toBeGreaterThan(0);
    expect(h).toBeLessThanOrEqual(WASM_HEAP_MAX_BYTES);
  });

  it('explainWasmTrap leaves a trap on a roomy heap, and other errors, unchanged', () => {
    const trap = Object.assign(new Error('memory access out of bounds'), { name: 'RuntimeError' });
    expect(explainWasmTrap(trap, 'Net.conv')).toBe(trap);
    const other = new TypeError('x');
    expect(explainWasmTrap(other, 'Net.conv')).toBe(other);
  });
});
