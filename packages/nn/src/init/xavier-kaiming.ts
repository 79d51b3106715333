import { calculateCorrectFan, calculateFanInAndFanOut, calculateGain, type FanMode, type Nonlinearity } from './fan.js';
import { normal_, uniform_ } from './simple.js';
import { type InitTarget, shapeOf } from './target.js';

/**
 * Glorot uniform init, like `torch.nn.init.xavier_uniform_`: U(−b, b) with
 * `b = gain·√(6 / (fanIn + fanOut))`.
 *
 * @example
 * ```ts
 * init.xavierUniform_(linear.weight, init.calculateGain('tanh'));
 * ```
 */
export function xavierUniform_<T extends InitTarget>(t: T, gain = 1): T {
  const [fanIn, fanOut] = calculateFanInAndFanOut(shapeOf(t));
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  const a = Math.sqrt(3) * std;
  return uniform_(t, -a, a);
}

/**
 * Glorot normal init, like `torch.nn.init.xavier_normal_`: N(0, std²) with
 * `std = gain·√(2 / (fanIn + fanOut))`.
 *
 * @example
 * ```ts
 * init.xavierNormal_(conv.weight);
 * ```
 */
export function xavierNormal_<T extends InitTarget>(t: T, gain = 1): T {
  const [fanIn, fanOut] = calculateFanInAndFanOut(shapeOf(t));
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

/** Options of the Kaiming (He) initialisers (PyTorch keyword names). */
export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (only with `'leaky_relu'`). Default 0. */
  a?: number;
  /** `'fan_in'` (default) preserves the forward variance, `'fan_out'` the backward one. */
  mode?: FanMode;
  /** Default `'leaky_relu'`. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: InitTarget, opts: KaimingOptions | number): number {
  const o: KaimingOptions = typeof opts === 'number' ? { a: opts } : opts;
  const fan = calculateCorrectFan(shapeOf(t), o.mode ?? 'fan_in');
  const gain = calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0);
  return gain / Math.sqrt(fan);
}

/**
 * He uniform init, like `torch.nn.init.kaiming_uniform_`: U(−b, b) with
 * `b = gain·√(3 / fan)`. The second argument is the options object or just `a`.
 *
 * @example
 * ```ts
 * init.kaimingUniform_(linear.weight, { a: Math.sqrt(5) }); // nn.Linear's default
 * init.kaimingUniform_(conv.weight, { mode: 'fan_out', nonlinearity: 'relu' });
 * ```
 */
export function kaimingUniform_<T extends InitTarget>(t: T, opts: KaimingOptions | number = {}): T {
  const bound = Math.sqrt(3) * kaimingStd(t, opts);
  return uniform_(t, -bound, bound);
}

/**
 * He normal init, like `torch.nn.init.kaiming_normal_`: N(0, std²) with `std = gain / √fan`.
 *
 * @example
 * ```ts
 * init.kaimingNormal_(conv.weight, { mode: 'fan_out', nonlinearity: 'relu' });
 * ```
 */
export function kaimingNormal_<T extends InitTarget>(t: T, opts: KaimingOptions | number = {}): T {
  return normal_(t, 0, kaimingStd(t, opts));
}
