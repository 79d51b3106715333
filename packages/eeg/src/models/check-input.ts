import type { Tensor } from '@tensorflow/tfjs-core';
import { ShapeError } from '@nnkit/nn';
import { DTypeError } from '@nnkit/tensor';

/**
 * Checks an EEG batch `x: [B, nChans, T]` against what a model was built for, with an error
 * that says what the model needs (shape, and dtype float32).
 * Package-private (not exported from the package entry).
 */
export function checkEegInput(path: string, x: Tensor, nChans: number, minTimes: number, nTimes?: number): void {
  // Float EEG only: int32/bool samples are refused as PyTorch's convolutions refuse them.
  if (x.dtype !== 'float32') throw new DTypeError(path, 'float32', x.dtype);
  const s = x.shape;
  const need = nTimes !== undefined ? `[B, ${nChans}, ${nTimes}]` : `[B, ${nChans}, T >= ${minTimes}]`;
  if (s.length !== 3) throw new ShapeError(path, `${need} (batch, channels, time)`, s);
  if (s[1] !== nChans) {
    throw new ShapeError(path, `${need}: the model was built for ${nChans} channels, got ${s[1]}`, s);
  }
  if (nTimes !== undefined && s[2] !== nTimes) {
    throw new ShapeError(path, `${need}: the model was built for trials of ${nTimes} samples, got ${s[2]}`, s);
  }
  if (s[2]! < minTimes) {
    throw new ShapeError(path, `${need}: trials must have at least ${minTimes} samples, got ${s[2]}`, s);
  }
}
