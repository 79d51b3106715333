import { customGrad, type GradSaveFunc, type Tensor } from '@tensorflow/tfjs-core';

/**
 * Runs a one-input op with a hand-written gradient (tfjs `customGrad`): `forward` returns the
 * value and the tensors to keep for the backward pass; `backward(dy, saved)` returns dx.
 *
 * @example
 * ```ts
 * const y = unaryCustomGrad(x, (t) => ({ value: square(t), save: [t] }), (dy, [t]) => mul(dy, mul(t!, 2)));
 * ```
 */
export function unaryCustomGrad(
  x: Tensor,
  forward: (x: Tensor) => { value: Tensor; save: Tensor[] },
  backward: (dy: Tensor, saved: Tensor[]) => Tensor,
): Tensor {
  const f = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const xx = args[0] as Tensor;
    const save = args[1] as GradSaveFunc;
    const { value, save: keep } = forward(xx);
    save(keep);
    return { value, gradFunc: (dy: Tensor, saved: Tensor[]) => backward(dy, saved) };
  });
  return f(x);
}
