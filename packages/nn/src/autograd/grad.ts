import { withoutGradientTape, withSharedSavedTensors } from '@nnkit/tensor';
import { clone, engine, keep, type Tensor, type TensorContainer, tidy, zerosLike } from '@tensorflow/tfjs-core';
import { ShapeError, ArgumentError } from '@nnkit/tensor';

/** Options for {@link grad}. */
export interface GradOptions {
  /**
   * Gradient of some downstream scalar w.r.t. the output (PyTorch's `grad_outputs`), same shape
   * as `fn`'s result. Required when the output is not a scalar.
   */
  gradOutputs?: Tensor;
  /**
   * Allow inputs the output does not depend on (PyTorch's `allow_unused`); their gradient is
   * returned as zeros (tfjs has no `None`). Default `false`: such an input is an error.
   */
  allowUnused?: boolean;
}

/**
 * Gradients of `fn(...inputs)` w.r.t. each input tensor, like `torch.autograd.grad`.
 * The output must be a scalar unless `gradOutputs` is given. Intermediate tensors are freed;
 * the returned gradients (same shapes as the inputs) belong to the caller.
 *
 * @param fn computes the output from the inputs, e.g. `(x) => sum(square(model.call(x)))`.
 * @param inputs the tensors to differentiate against (e.g. `x: [B, C, T]`); not disposed.
 * @returns one gradient per input, shape of that input.
 * @example
 * ```ts
 * const x = tensor([1, 2, 3]);
 * const [dx] = grad((x) => sum(square(x)), [x]); // [2, 4, 6]
 * ```
 */
export function grad(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradOptions = {}): Tensor[] {
  if (inputs.length === 0) throw new ArgumentError('grad', 'inputs must contain at least one tensor');
  const dy = opts.gradOutputs;
  const { value, grads } = withSharedSavedTensors(() => engine().gradients(
    () => {
      const y = fn(...inputs);
      if (dy === undefined && y.rank !== 0) {
        throw new ShapeError('grad', '[] (grad can be implicitly created only for scalar outputs; pass gradOutputs)', y.shape, 'output');
      }
      if (dy !== undefined && y.shape.join(',') !== dy.shape.join(',')) {
        throw new ShapeError('grad', `the output's shape [${y.shape.join(', ')}]`, dy.shape, 'gradOutputs');
      }
      return y;
    },
    inputs,
    dy,
    true,
  ));
  value.dispose();
  const out: Tensor[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const g = grads[i];
    if (g === undefined || g === null) {
      if (!opts.allowUnused) {
        for (const t of out) t.dispose();
        for (const gg of grads) gg?.dispose();
        throw new ArgumentError('grad', `input ${i} (shape [${inputs[i]!.shape.join(', ')}]) does not influence the output; pass allowUnused: true to get zeros`);
      }
      out.push(keep(zerosLike(inputs[i]!)));
    } else {
      out.push(keep(g));
    }
  }
  return out;
}

/**
 * Runs `fn` without recording gradients (like `with torch.no_grad():`) and frees every tensor
 * it creates except those it returns. Outside a tape (outside `backward`/`grad`) tfjs records
 * nothing anyway, so this is simply `tidy`; inside one, the tape is paused, so results act as
 * constants (no gradient flows through them).
 *
 * @example
 * ```ts
 * model.eval();
 * const logits = noGrad(() => model.call(x)); // [B, classes]
 * ```
 */
export function noGrad<T extends TensorContainer>(fn: () => T): T {
  return withoutGradientTape(() => tidy(fn));
}

/**
 * A copy of `x` that gradients do not flow through (PyTorch's `x.detach()`, but a copy).
 *
 * @example
 * ```ts
 * const target = detach(model.call(x)); // treated as a constant inside backward()
 * ```
 */
export function detach(x: Tensor): Tensor {
  return noGrad(() => clone(x));
}
