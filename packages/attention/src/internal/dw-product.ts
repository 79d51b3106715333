import { customGrad, depthwiseConv2d, reshape, type Tensor, type Tensor4D } from '@tensorflow/tfjs-core';
import { tr } from './transpose.js';

/**
 * `transpose(t, p)`, or a plain reshape when the permutation only moves axes of size 1 (the data
 * order is unchanged). @internal
 */
export function permute(t: Tensor, p: readonly number[]): Tensor {
  return tr(t, p);
}

// y[Y, c, m] = Σ_x x[Y, x, c] · f[x, c, m] as one depthwise convolution: the input is
// [1, Y, X, C], the filter [1, X, C, M] (a channel multiplier M), 'valid' padding. On the wasm
// backend this is XNNPACK's convolution, several times faster than its batched matrix product
// (a plain loop when the batch exceeds 1). The gradients are products of the same form.
const product = customGrad(((x: Tensor, f: Tensor, save: (t: Tensor[]) => void) => {
  save([x, f]);
  const [yy, xx, c] = x.shape as [number, number, number];
  const m = f.shape[2]!;
  const y = depthwiseConv2d(reshape(x, [1, yy, xx, c]) as Tensor4D, reshape(f, [1, xx, c, m]) as Tensor4D, 1, 'valid');
  return {
    value: reshape(y, [yy, c, m]),
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [sx, sf] = saved as [Tensor, Tensor];
      const dx = tr(dwProduct(tr(dy, [0, 2, 1]), tr(sf, [2, 1, 0])), [0, 2, 1]);
      const df = dwProduct(tr(sx, [1, 0, 2]), dy);
      return [dx, df];
    },
  };
}) as unknown as Parameters<typeof customGrad>[0]) as unknown as (x: Tensor, f: Tensor) => Tensor;

/**
 * A product batched over the middle axis: x `[Y, X, C]`, f `[X, C, M]` → `[Y, C, M]` with
 * `y[Y, c, m] = Σ_x x[Y, x, c] · f[x, c, m]` (C independent `[Y, X] · [X, M]` products). @internal
 */
export function dwProduct(x: Tensor, f: Tensor): Tensor {
  return product(x, f);
}
