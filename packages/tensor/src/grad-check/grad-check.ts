import { NnkitError, ArgumentError } from '../errors/errors.js';
import { engine, mul, sum, type Tensor, tensor, tidy } from '@tensorflow/tfjs-core';
import { seededRandom } from '../ops/basic/random.js';

/** Options for {@link gradCheck}. */
export interface GradCheckOptions {
  /** Finite-difference step (float32 inputs). Default 1e-2. */
  eps?: number;
  /** Absolute tolerance: an element passes when |analytic − numeric| ≤ atol + rtol·|numeric|. Default 1e-3. */
  atol?: number;
  /** Relative tolerance. Default 1e-2. */
  rtol?: number;
  /** At most this many coordinates per input are perturbed (sampled at random). Default 32. */
  maxElements?: number;
  /** Seed of the random projection and of the coordinate sampling. Default 0. */
  seed?: number;
}

/** Where analytic and numeric gradients differ most (relative to the tolerance). */
export interface GradCheckWorst {
  /** Index of the input in `inputs`. */
  input: number;
  /** Flat (row-major) index of the element within that input. */
  index: number;
  analytic: number;
  numeric: number;
}

/** Result of {@link gradCheck}. */
export interface GradCheckReport {
  /** Every checked element within tolerance. */
  ok: boolean;
  /** Largest |analytic − numeric|. */
  maxAbsErr: number;
  /** Largest |analytic − numeric| / max(|analytic|, |numeric|) (0 where both are 0). */
  maxRelErr: number;
  /** Number of coordinates compared (over all float inputs). */
  checked: number;
  /** The element with the largest excess over the tolerance; `null` when nothing was checked. */
  worst: GradCheckWorst | null;
}

/** Raised by {@link assertGradClose}; carries the report. */
export class GradCheckError extends NnkitError {
  override readonly code: string = 'grad-check';
  constructor(readonly report: GradCheckReport) {
    const w = report.worst!;
    super(
      `gradCheck failed: max |analytic - numeric| ${report.maxAbsErr.toExponential(3)} (max rel ${report.maxRelErr.toExponential(3)}) ` +
        `over ${report.checked} elements; worst at input ${w.input}, flat index ${w.index}: analytic ${w.analytic}, numeric ${w.numeric}`,
    );
  }
}

function sampleIndices(size: number, k: number, rand: () => number): number[] {
  if (size <= k) return Array.from({ length: size }, (_, i) => i);
  const idx = Array.from({ length: size }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (size - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, k).sort((a, b) => a - b);
}

/**
 * Compares the analytic gradient of `fn` (tfjs autodiff, including any custom gradients nnkit
 * registers) with central finite differences, like `torch.autograd.gradcheck` but in float32.
 * The output is reduced to a scalar by a fixed random projection `Σ rᵢ·yᵢ` (computed in
 * float64), and at most `maxElements` coordinates of each float input are perturbed by ±eps.
 * Integer inputs are not checked. Inputs are not modified; nothing leaks.
 *
 * For a Module, close over `module.call` (parameters are constants then; to check a
 * parameter's gradient, pass a tensor as input and use it in place of the parameter).
 *
 * @param fn any differentiable function of the inputs, returning a tensor of any shape.
 * @param inputs the point at which to check (e.g. `x: [B, C, T]`).
 * @returns the report: `ok`, the largest absolute/relative errors and the worst element.
 * @example
 * ```ts
 * const r = gradCheck((x) => conv.call(x), [randomNormal([2, 3, 8])]);
 * if (!r.ok) console.log(r.worst);
 * const r2 = gradCheck((a, b) => matMul(a, b), [randomNormal([3, 4]), randomNormal([4, 2])], { eps: 1e-2 });
 * ```
 */
export function gradCheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradCheckOptions = {}): GradCheckReport {
  const eps = opts.eps ?? 1e-2;
  const atol = opts.atol ?? 1e-3;
  const rtol = opts.rtol ?? 1e-2;
  const maxElements = opts.maxElements ?? 32;
  const rand = seededRandom(opts.seed ?? 0);
  if (inputs.length === 0) throw new ArgumentError('gradCheck', 'inputs must contain at least one tensor');

  const y0 = tidy(() => fn(...inputs));
  const yShape = y0.shape.slice();
  y0.dispose();
  const proj = new Float64Array(Math.max(1, yShape.reduce((a, b) => a * b, 1)));
  for (let i = 0; i < proj.length; i++) proj[i] = rand() * 2 - 1;
  const projF32 = Float32Array.from(proj);

  const isFloat = inputs.map((x) => x.dtype === 'float32');
  const floatInputs = inputs.filter((_, i) => isFloat[i]);
  if (floatInputs.length === 0) {
    return { ok: true, maxAbsErr: 0, maxRelErr: 0, checked: 0, worst: null };
  }

  // analytic: d/dx Σ r·y
  const analytic: (Float32Array | null)[] = tidy(() => {
    const r = tensor(projF32, yShape, 'float32');
    const { value, grads } = engine().gradients(() => sum(mul(fn(...inputs), r)), floatInputs, undefined, true);
    const out = grads.map((g) => (g ? (g.dataSync() as Float32Array).slice() : null));
    value.dispose();
    return out as never;
  }) as unknown as (Float32Array | null)[];

  const scalar = (xs: Tensor[]): number => {
    const y = tidy(() => fn(...xs));
    const d = y.dataSync();
    y.dispose();
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[i]! * proj[i]!;
    return s;
  };

  let maxAbsErr = 0;
  let maxRelErr = 0;
  let checked = 0;
  let worst: GradCheckWorst | null = null;
  let worstExcess = -Infinity;
  let fi = 0;
  inputs.forEach((x, k) => {
    if (!isFloat[k]) return;
    const a = analytic[fi++] ?? null;
    const base = x.dataSync() as Float32Array;
    for (const idx of sampleIndices(x.size, maxElements, rand)) {
      const v = base[idx]!;
      const plus = Math.fround(v + eps);
      const minus = Math.fround(v - eps);
      const perturbed = (val: number): number => {
        const data = base.slice();
        data[idx] = val;
        const t = tensor(data, x.shape, 'float32');
        const xs = inputs.map((orig, j) => (j === k ? t : orig));
        try {
          return scalar(xs);
        } finally {
          t.dispose();
        }
      };
      const numeric = (perturbed(plus) - perturbed(minus)) / (plus - minus);
      const an = a ? a[idx]! : 0;
      const err = Math.abs(an - numeric);
      const denom = Math.max(Math.abs(an), Math.abs(numeric));
      const rel = denom === 0 ? 0 : err / denom;
      maxAbsErr = Math.max(maxAbsErr, err);
      maxRelErr = Math.max(maxRelErr, rel);
      const excess = Number.isNaN(err) ? Infinity : err - (atol + rtol * Math.abs(numeric));
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = { input: k, index: idx, analytic: an, numeric };
      }
      checked++;
    }
  });
  return { ok: worstExcess <= 0, maxAbsErr, maxRelErr, checked, worst };
}

/**
 * {@link gradCheck} that throws a {@link GradCheckError} (naming the worst element) when the
 * analytic and numeric gradients disagree; returns the report otherwise.
 *
 * @example
 * ```ts
 * assertGradClose((x) => softmax(x), [randomNormal([4, 5])], { atol: 1e-3 });
 * ```
 */
export function assertGradClose(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradCheckOptions = {}): GradCheckReport {
  const r = gradCheck(fn, inputs, opts);
  if (!r.ok) throw new GradCheckError(r);
  return r;
}
