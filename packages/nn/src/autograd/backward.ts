import { add, engine, keep, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { ShapeError, ArgumentError, explainWasmTrap, withSharedSavedTensors } from '@nnkit/tensor';

/** What {@link backward} and {@link zeroGrad} accept: a module (all its parameters) or a list of parameters. */
export type ModelOrParams = Module | Iterable<Parameter>;

/** The parameters of a module, or the given list (each once, order kept). */
export function paramsOf(modelOrParams: ModelOrParams): Parameter[] {
  const list = modelOrParams instanceof Module ? modelOrParams.parameters() : [...modelOrParams];
  return [...new Set(list)];
}

/**
 * Runs `lossFn` under a gradient tape and ADDS d(loss)/d(param) into `param.grad` for every
 * parameter with `requiresGrad` (like `loss.backward()` in PyTorch: gradients accumulate until
 * `zeroGrad()`). Frozen parameters (`requiresGrad = false`) are not differentiated, and
 * parameters the loss does not depend on keep `grad === null`. Every intermediate tensor
 * (activations, saved tensors of the tape, the new gradients once accumulated) is freed.
 *
 * Ownership: the returned loss is a scalar tensor that survives enclosing `tidy` scopes; the
 * caller disposes it. Gradients are owned by their parameters (freed by `zeroGrad()`/`setGrad`).
 *
 * @param lossFn returns the scalar loss (shape `[]`); it must use the parameters' `.data`
 *   (e.g. through `module.call(x)`) inside the closure so the tape sees them.
 * @param modelOrParams a `Module` (all of its parameters) or a list of `Parameter`s.
 * @returns the loss value, shape `[]` (kept; dispose it).
 * @throws Error when the closure does not return a scalar tensor.
 * @throws OutOfMemoryError (from `@nnkit/tensor`) when tfjs-backend-wasm's heap (4 GiB at most) cannot hold the step.
 * @example
 * ```ts
 * opt.zeroGrad();
 * const loss = backward(() => crossEntropy(model.call(x), y), model);
 * opt.step();
 * console.log(loss.dataSync()[0]);
 * loss.dispose();
 * ```
 */
export function backward(lossFn: () => Tensor, modelOrParams: ModelOrParams): Tensor {
  const params = paramsOf(modelOrParams).filter((p) => p.requiresGrad);
  const checkScalar = (y: unknown): Tensor => {
    if (!(y !== null && typeof y === 'object' && 'rank' in y && 'dataId' in y)) {
      throw new ArgumentError('backward', 'the loss function must return a tensor');
    }
    const t = y as Tensor;
    if (t.rank !== 0 && t.size !== 1) {
      throw new ShapeError('backward', '[] (grad can be implicitly created only for scalar outputs)', t.shape, 'loss');
    }
    return t;
  };
  if (params.length === 0) {
    const value = tidy(() => checkScalar(lossFn()));
    return keep(value);
  }
  const vars = params.map((p) => p.data);
  // The tape keeps the tensors each gradient needs as shared references, not Identity-kernel copies.
  let result: { value: Tensor; grads: Tensor[] };
  try {
    result = withSharedSavedTensors(() => engine().gradients(() => checkScalar(lossFn()), vars, undefined, true));
  } catch (e) {
    throw explainWasmTrap(e, 'backward');
  }
  const { value, grads } = result;
  params.forEach((p, i) => {
    const g = grads[i];
    if (g === undefined || g === null) return;
    if (p.grad === null) {
      p.setGrad(keep(g));
    } else {
      const prev = p.grad;
      const sum = keep(tidy(() => add(prev, g)));
      g.dispose();
      p.setGrad(sum);
    }
  });
  return keep(value);
}

/**
 * Clears the gradients of the given parameters (or of every parameter of a module), freeing
 * them: `grad` becomes `null`, as with PyTorch's `zero_grad(set_to_none=True)`.
 *
 * @example
 * ```ts
 * zeroGrad(model);
 * zeroGrad([w, b]);
 * ```
 */
export function zeroGrad(modelOrParams: ModelOrParams): void {
  for (const p of paramsOf(modelOrParams)) p.setGrad(null);
}
