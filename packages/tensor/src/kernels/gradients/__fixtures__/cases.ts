import { abs, add, mul, randomNormal, randomUniform, sign, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { assertGradClose, type GradCheckOptions } from '../../../grad-check/index.js';

/** One finite-difference check: `fn` at freshly made `inputs`. */
export interface GradCase {
  name: string;
  fn: (...xs: Tensor[]) => Tensor;
  inputs: () => Tensor[];
  opts?: GradCheckOptions;
}

let seed = 1;
/** Normal(0, 1) values. */
export const normal = (shape: number[]): Tensor => randomNormal(shape, 0, 1, 'float32', seed++);
/** Uniform values in [lo, hi). */
export const uniform = (shape: number[], lo: number, hi: number): Tensor => randomUniform(shape, lo, hi, 'float32', seed++);
/** Values at least 0.1 away from 0 (for kinks at 0). */
export const away = (shape: number[]): Tensor =>
  tidy(() => {
    const u = normal(shape);
    return mul(sign(u), add(abs(u), 0.1));
  });

/** Runs the check of `c` (throws GradCheckError on mismatch) and disposes its inputs. */
export function checkCase(c: GradCase): void {
  const xs = c.inputs();
  try {
    assertGradClose(c.fn, xs, { maxElements: 12, ...c.opts });
  } finally {
    for (const x of xs) x.dispose();
  }
}
