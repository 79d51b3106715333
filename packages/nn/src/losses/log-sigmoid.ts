import { type GradSaveFunc, type Tensor, abs, add, customGrad, exp, log1p, mul, neg, relu, sigmoid } from '@tensorflow/tfjs-core';

/**
 * log σ(x) = −(max(−x, 0) + log1p(exp(−|x|))), stable for any x, with gradient σ(−x).
 * (tfjs-core's `logSigmoid` reads its input in the backward pass without saving it, which
 * fails once a `tidy` has disposed that input.)
 * Package-private (not exported from the package entry).
 */
export function logSigmoidSafe(x: Tensor): Tensor {
  const f = (v: Tensor, save: GradSaveFunc): { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor } => {
    save([v]);
    return {
      value: neg(add(relu(neg(v)), log1p(exp(neg(abs(v)))))),
      gradFunc: (dy, [s]) => mul(dy, sigmoid(neg(s!))),
    };
  };
  return customGrad(f as never)(x) as Tensor;
}
