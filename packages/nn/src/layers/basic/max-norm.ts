import { renormRowsL2 } from '@nnkit/tensor';
import { tensor } from '@tensorflow/tfjs-core';
import type { Parameter } from '../../parameter.js';

/** The weight value each parameter had right after its last renorm, and the bound used. */
const lastRenormed = new WeakMap<Parameter, { dataId: object; maxNorm: number }>();

/**
 * Renorms `param` in place so that every slice along dim 0 (an output filter or a weight row)
 * has L2 norm ≤ `maxNorm` (`param.data = torch.renorm(param.data, 2, 0, maxNorm)`), as the
 * max-norm constrained layers of the EEG reference do before every forward. Not part of the
 * gradient. Skips the work when the value has not changed since its last renorm with the same
 * bound (any `assign` — an optimizer step, `loadStateDict` — gives the variable new data, so
 * the check is exact): repeated inference pays nothing for the constraint. The renorm runs on
 * the values in JavaScript (`renormRowsL2`, bit for bit `renorm`'s result): the weights are
 * small and change every training step, where the op took twelve kernels.
 *
 * @example
 * ```ts
 * maxNorm_(layer.weight, 0.25); // rows of a [out, in] weight now have norm <= 0.25
 * ```
 */
export function maxNorm_(param: Parameter, maxNorm: number): void {
  const seen = lastRenormed.get(param);
  if (seen !== undefined && seen.dataId === param.data.dataId && seen.maxNorm === maxNorm) return;
  const w = param.data;
  const r = tensor(renormRowsL2(w.dataSync() as Float32Array, w.shape[0] ?? 1, maxNorm), w.shape, 'float32');
  param.assign(r);
  r.dispose();
  lastRenormed.set(param, { dataId: param.data.dataId as object, maxNorm });
}
