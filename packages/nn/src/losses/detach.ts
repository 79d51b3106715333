import { type Tensor, customGrad, zeros } from '@tensorflow/tfjs-core';

/**
 * `fn(x)` (a comparison or mask) with a zero gradient to `x`. tfjs has no gradient for `less`,
 * `equal`, … and refuses to differentiate through them even when they only feed a `where`
 * condition; ops run inside a custom-gradient forward are not recorded.
 * Package-private (not exported from the package entry).
 */
export function noGrad(x: Tensor, fn: (v: Tensor) => Tensor): Tensor {
  const shape = x.shape;
  const f = customGrad(((v: Tensor) => ({ value: fn(v), gradFunc: () => zeros(shape) })) as never);
  return f(x) as Tensor;
}
