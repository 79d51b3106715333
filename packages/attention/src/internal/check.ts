import type { Tensor } from '@tensorflow/tfjs-core';
import { ArgumentError, ShapeError } from '@nnkit/tensor';

/**
 * Checks an image batch `x: [B, C, H, W]` against the channel count a module was built for.
 * @internal
 */
export function checkImage(path: string, x: Tensor, channels: number | null, what = 'input'): void {
  const need = channels === null ? '[B, C, H, W]' : `[B, ${channels}, H, W]`;
  if (x.rank !== 4) throw new ShapeError(path, `${need} (batch, channels, height, width)`, x.shape, what);
  if (channels !== null && x.shape[1] !== channels) {
    throw new ShapeError(path, `${need}: the module was built for ${channels} channels, got ${x.shape[1]}`, x.shape, what);
  }
}

/**
 * Checks that `value` is a positive integer (a channel count, head count, kernel size…).
 * @internal
 */
export function checkPositiveInt(where: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new ArgumentError(where, `${name} must be a positive integer, got ${value}`);
}
