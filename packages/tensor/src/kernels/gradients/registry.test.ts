import { getGradient } from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../backend.js';
import { installKernels } from '../install.js';
import { nnkitGradients, registerNnkitGradients } from './index.js';

describe('nnkit gradient registry', () => {
  it('initBackend registers nnkit’s own gradient for every covered kernel (tfjs’ side-effect module is not loaded)', async () => {
    await initBackend();
    const configs = nnkitGradients();
    expect(new Set(configs.map((g) => g.kernelName)).size).toBe(configs.length);
    for (const g of configs) expect(getGradient(g.kernelName), g.kernelName).toBe(g);
    for (const k of ['Add', 'BatchMatMul', 'Sum', 'Softmax', 'Reshape', 'Conv2D', 'GatherV2', 'FusedBatchNorm']) {
      expect(configs.some((g) => g.kernelName === k), k).toBe(true);
    }
  });

  it('registering again adds nothing and prints no "Overriding gradient" warning', async () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      expect(registerNnkitGradients()).toEqual([]);
      await installKernels('wasm');
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
