import { DTypeError } from '@nnkit/tensor';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Module } from '../module.js';

/**
 * Throws a `DTypeError` naming `module`'s path unless `x` is float32: the layers with float
 * weights refuse int32 and bool inputs, as PyTorch does ("Input type (int) and bias type (float)
 * should be the same"), instead of computing on a silent cast.
 */
export function checkFloatInput(module: Module, x: Tensor): void {
  if (x.dtype !== 'float32') throw new DTypeError(module.path(), 'float32', x.dtype);
}
