import { abs, div, greater, mul, pow, scalar, sqrt, square, sum, tidy, where, type Tensor, add, onesLike } from '@tensorflow/tfjs-core';
import { ArgumentError } from '../../errors/errors.js';

/**
 * `torch.renorm`: every slice of `w` along `dim` whose `p`-norm exceeds `maxnorm` is scaled
 * down to norm `maxnorm` (by `maxnorm / (norm + 1e-7)`, as PyTorch); other slices are kept.
 * Used by max-norm constrained layers (`Conv2dWithConstraint`, `LinearWithConstraint`).
 *
 * @param w any tensor, e.g. a conv weight `[Cout, Cin/g, kH, kW]`
 * @param p the norm's exponent (> 0; 2 for the Euclidean norm)
 * @param dim the dimension whose slices are renormalised (negative counts from the end)
 * @param maxnorm the largest norm a slice may keep
 * @returns a new tensor of `w`'s shape
 * @example
 * ```ts
 * const w2 = renorm(w, 2, 0, 1.0); // each output filter w2[o] has L2 norm <= 1
 * ```
 */
export function renorm(w: Tensor, p: number, dim: number, maxnorm: number): Tensor {
  const r = w.rank;
  const d = dim < 0 ? dim + r : dim;
  if (!Number.isInteger(d) || d < 0 || d >= r) {
    throw new ArgumentError('renorm', `dim ${dim} out of range for a tensor of rank ${r}`);
  }
  if (!(p > 0)) throw new ArgumentError('renorm', `p must be > 0, got ${p}`);
  if (!(maxnorm >= 0)) throw new ArgumentError('renorm', `maxnorm must be >= 0, got ${maxnorm}`);
  return tidy(() => {
    const axes: number[] = [];
    for (let i = 0; i < r; i++) if (i !== d) axes.push(i);
    let norm: Tensor;
    if (p === 2) norm = sqrt(sum(square(w), axes, true));
    else if (p === 1) norm = sum(abs(w), axes, true);
    else norm = pow(sum(pow(abs(w), scalar(p)), axes, true), scalar(1 / p));
    const scale = where(greater(norm, scalar(maxnorm)), div(scalar(maxnorm), add(norm, scalar(1e-7))), onesLike(norm));
    return mul(w, scale);
  });
}

/**
 * {@link renorm} with `p = 2` along dim 0, computed on a tensor's values in JavaScript: bit for
 * bit the op's float32 result (each square rounded to float32, summed in float64 and rounded once
 * as nnkit's `Sum`, a float32 square root, comparison, `maxnorm / (norm + 1e-7)` and product), with
 * no kernels. For max-norm constraints that renorm a parameter in place before every training
 * forward (twelve kernels each through the op).
 *
 * @param values the tensor's values, row-major, `rows` slices along dim 0 of equal size
 * @param rows the size of dim 0 (`values.length` a multiple of it)
 * @param maxnorm the largest L2 norm a slice may keep (≥ 0)
 * @returns new values of the same length
 * @throws ArgumentError when `maxnorm` is negative or NaN, or the values do not split into `rows` equal rows
 * @example
 * ```ts
 * const w2 = tensor(renormRowsL2(w.dataSync() as Float32Array, w.shape[0], 1.0), w.shape);
 * ```
 */
export function renormRowsL2(values: Float32Array, rows: number, maxnorm: number): Float32Array {
  if (!(maxnorm >= 0)) throw new ArgumentError('renorm', `maxnorm must be >= 0, got ${maxnorm}`);
  if (!Number.isInteger(rows) || rows < 0 || (rows === 0 ? values.length !== 0 : values.length % rows !== 0)) {
    throw new ArgumentError('renorm', `${values.length} values must split into ${rows} rows of equal size`);
  }
  const out = new Float32Array(values.length);
  const per = rows > 0 ? values.length / rows : 0;
  const bound = Math.fround(maxnorm);
  const eps = Math.fround(1e-7);
  for (let r = 0; r < rows; r++) {
    const o = r * per;
    let s = 0;
    for (let k = 0; k < per; k++) s += Math.fround(values[o + k]! * values[o + k]!);
    const norm = Math.fround(Math.sqrt(Math.fround(s)));
    const scale = norm > bound ? Math.fround(bound / Math.fround(norm + eps)) : 1;
    for (let k = 0; k < per; k++) out[o + k] = values[o + k]! * scale;
  }
  return out;
}
