import { fill as tfFill, randomNormal, randomUniform } from '@tensorflow/tfjs-core';
import { nextSeed, ArgumentError } from '@nnkit/tensor';
import { fill, type InitTarget } from './target.js';

/**
 * Fills `t` in place with values from U(a, b), like `torch.nn.init.uniform_`; draws from the
 * global RNG (`manualSeed`).
 *
 * @example
 * ```ts
 * init.uniform_(linear.weight, -0.1, 0.1);
 * ```
 */
export function uniform_<T extends InitTarget>(t: T, a = 0, b = 1): T {
  if (!(b >= a)) throw new ArgumentError('uniform_', `expected a <= b, got a=${a}, b=${b}`);
  return fill(t, (s) => randomUniform(s, a, b, 'float32', nextSeed()));
}

/**
 * Fills `t` in place with values from N(mean, std²), like `torch.nn.init.normal_`.
 *
 * @example
 * ```ts
 * init.normal_(linear.weight, 0, 0.02);
 * ```
 */
export function normal_<T extends InitTarget>(t: T, mean = 0, std = 1): T {
  if (!(std >= 0)) throw new ArgumentError('normal_', `expected std >= 0, got ${std}`);
  return fill(t, (s) => randomNormal(s, mean, std, 'float32', nextSeed()));
}

/** Fills `t` with `val`, like `torch.nn.init.constant_`. @example `init.constant_(bn.weight, 0.5)` */
export function constant_<T extends InitTarget>(t: T, val: number): T {
  return fill(t, (s) => tfFill(s, val));
}

/** Fills `t` with 0, like `torch.nn.init.zeros_`. @example `init.zeros_(linear.bias!)` */
export function zeros_<T extends InitTarget>(t: T): T {
  return constant_(t, 0);
}

/** Fills `t` with 1, like `torch.nn.init.ones_`. @example `init.ones_(bn.weight!)` */
export function ones_<T extends InitTarget>(t: T): T {
  return constant_(t, 1);
}
