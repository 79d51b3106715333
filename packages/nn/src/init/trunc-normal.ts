import { randomUniform, tensor, tidy } from '@tensorflow/tfjs-core';
import { nextSeed, ArgumentError } from '@nnkit/tensor';
import { fill, type InitTarget } from './target.js';

/** Complementary error function, |relative error| < 1.2e-7 (Numerical Recipes `erfcc`). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
function normCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Standard normal quantile (Acklam's rational approximation, then one Halley step). */
function normIcdf(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = normCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * Truncated normal init, like `torch.nn.init.trunc_normal_`: N(mean, std²) restricted to
 * `[a, b]` (absolute bounds), by inverse-CDF sampling as PyTorch does. Draws from the global RNG.
 *
 * @example
 * ```ts
 * init.truncNormal_(posEmbed, 0, 0.02);          // ViT-style, bounds [-2, 2]
 * init.truncNormal_(w, 0, 1, -1, 1);
 * ```
 */
export function truncNormal_<T extends InitTarget>(t: T, mean = 0, std = 1, a = -2, b = 2): T {
  if (!(std > 0)) throw new ArgumentError('truncNormal_', `expected std > 0, got ${std}`);
  if (!(b > a)) throw new ArgumentError('truncNormal_', `expected a < b, got a=${a}, b=${b}`);
  if (mean < a - 2 * std || mean > b + 2 * std) {
    console.warn('truncNormal_: mean is more than 2 std from [a, b]; the distribution of values may be incorrect.');
  }
  const lo = normCdf((a - mean) / std);
  const hi = normCdf((b - mean) / std);
  return fill(t, (shape) => {
    const u = tidy(() => randomUniform(shape, lo, hi, 'float32', nextSeed()));
    const v = u.dataSync();
    u.dispose();
    // One-off host loop: initialisation is not a hot path.
    const out = new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = mean + std * normIcdf(v[i]!);
      out[i] = Math.min(b, Math.max(a, x));
    }
    return tensor(out, shape, 'float32');
  });
}
