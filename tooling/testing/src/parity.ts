// `@nnkit/tooling-testing/parity`: the parity harness (parityCases) with the module-level pieces
// that need @nnkit/nn — one way to switch dropout off, and the whole-module case check. The main
// entry stays free of @nnkit/nn for @nnkit/tensor's tests.
import { Dropout, Dropout2d } from '@nnkit/nn';

export { checkAgainstTorch, checkModuleCase, type CaseModule } from './module-case.js';
export { parityCases, type ParityOptions } from './harness.js';

/**
 * Switches off every dropout of `model` for a train-mode parity check (probability 0), as the
 * generators do in PyTorch (`tooling/parity/common.py`: `mod.p = 0.0` on each `nn.Dropout`).
 * Dropout modules are `Dropout` and `Dropout2d` of `@nnkit/nn` (by class, not by name).
 *
 * @example
 * ```ts
 * disableDropout(model.train());
 * ```
 */
export function disableDropout<M extends { modules(): Iterable<object> }>(model: M): M {
  for (const m of model.modules()) if (m instanceof Dropout || m instanceof Dropout2d) (m as { p: number }).p = 0;
  return model;
}

