import type { Parameter } from '@nnkit/nn';
import { abs, clipByValue, max, mul, pow, sqrt, square, stack, sum, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { ArgumentError } from '@nnkit/tensor';

/** Options for {@link clipGradNorm_}. */
export interface ClipGradNormOptions {
  /** Order of the norm: any p > 0, or `Infinity` for the max-norm. Default 2. */
  normType?: number;
  /** Throw when the total norm is NaN or infinite (PyTorch's `error_if_nonfinite`). Default false. */
  errorIfNonfinite?: boolean;
}

function paramList(params: Iterable<Parameter> | Parameter): Parameter[] {
  return Symbol.iterator in Object(params) ? [...(params as Iterable<Parameter>)] : [params as Parameter];
}

/**
 * Rescales the gradients in place so that their joint norm (the norm of the vector of all
 * gradients) is at most `maxNorm`, like `torch.nn.utils.clip_grad_norm_`: every gradient is
 * multiplied by `min(1, maxNorm / (totalNorm + 1e-6))`. Parameters without a gradient are ignored.
 *
 * @returns the total norm of the gradients before clipping (a number; 0 when there are none).
 * @example
 * ```ts
 * backward(() => loss, model).dispose();
 * const norm = clipGradNorm_(model.parameters(), 1.0);
 * opt.step();
 * ```
 */
export function clipGradNorm_(params: Iterable<Parameter> | Parameter, maxNorm: number, opts: ClipGradNormOptions | number = {}): number {
  const o: ClipGradNormOptions = typeof opts === 'number' ? { normType: opts } : opts;
  const normType = o.normType ?? 2;
  if (!(normType > 0)) throw new ArgumentError('clipGradNorm_', `normType must be > 0 or Infinity, got ${normType}`);
  const withGrad = paramList(params).filter((p) => p.grad !== null);
  if (withGrad.length === 0) return 0;
  const total = tidy(() => {
    const grads = withGrad.map((p) => p.grad!);
    let norms: Tensor[];
    if (normType === Infinity) {
      norms = grads.map((g) => max(abs(g)));
      return max(stack(norms));
    }
    if (normType === 2) {
      norms = grads.map((g) => sqrt(sum(square(g))));
      return sqrt(sum(square(stack(norms))));
    }
    norms = grads.map((g) => pow(sum(pow(abs(g), normType)), 1 / normType));
    return pow(sum(pow(abs(stack(norms)), normType)), 1 / normType);
  });
  const totalNorm = total.dataSync()[0]!;
  total.dispose();
  if (o.errorIfNonfinite && !Number.isFinite(totalNorm)) {
    throw new ArgumentError('clipGradNorm_', 
        `The total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
          'To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite: false`',
      );
  }
  const clipCoef = Math.fround(maxNorm / Math.fround(totalNorm + 1e-6));
  const coef = Math.min(clipCoef, 1);
  for (const p of withGrad) {
    const g = p.grad!;
    p.setGrad(tidy(() => mul(g, coef)));
  }
  return totalNorm;
}

/**
 * Clamps every gradient element-wise to `[-clipValue, clipValue]`, in place, like
 * `torch.nn.utils.clip_grad_value_`.
 *
 * @example
 * ```ts
 * clipGradValue_(model.parameters(), 0.5);
 * ```
 */
export function clipGradValue_(params: Iterable<Parameter> | Parameter, clipValue: number): void {
  const c = Math.abs(clipValue);
  for (const p of paramList(params)) {
    const g = p.grad;
    if (g === null) continue;
    p.setGrad(tidy(() => clipByValue(g, -c, c)));
  }
}
