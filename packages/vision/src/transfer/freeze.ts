import { ArgumentError } from '@nnkit/tensor';
import { BatchNormBase, type Module } from '@nnkit/nn';

/**
 * Freezes every parameter of `model` except those under the given dotted prefixes
 * (`requiresGrad_(false)` on the rest, `true` on these), e.g. `['fc', 'AuxLogits.fc']` to train
 * only the classifiers, or `['Mixed_7c', 'fc']` to fine-tune the last block too. Returns the
 * names of the parameters left trainable (pass `model.parameters()` or just those to the optimizer).
 * A prefix that matches no parameter is an error (a typo would silently freeze everything).
 *
 * @example
 * ```ts
 * const trainable = freezeAllBut(model, ['fc', 'AuxLogits.fc']); // ['AuxLogits.fc.weight', …, 'fc.bias']
 * ```
 */
export function freezeAllBut(model: Module, prefixes: readonly string[]): string[] {
  const under = (name: string, p: string): boolean => name === p || name.startsWith(`${p}.`);
  const named = [...model.namedParameters()];
  for (const p of prefixes) {
    if (!named.some(([n]) => under(n, p))) {
      throw new ArgumentError(`freezeAllBut(${model.path()})`, `no parameter under '${p}' (top-level children: ${[...model.namedChildren()].map(([n]) => n).join(', ')})`);
    }
  }
  const trainable: string[] = [];
  for (const [n, param] of named) {
    const keep = prefixes.some((p) => under(n, p));
    param.requiresGrad = keep;
    if (keep) trainable.push(n);
  }
  return trainable;
}

/**
 * Puts in eval mode every batch norm whose parameters are all frozen, so that training the
 * rest of the model leaves their running statistics as loaded (PyTorch users do the same with
 * `m.eval()` on frozen BatchNorm layers). Call it after every `model.train()`. Returns how many
 * batch norms it switched.
 *
 * @example
 * ```ts
 * model.train();
 * evalFrozenBatchNorm(model); // the frozen backbone normalises with its ImageNet statistics
 * ```
 */
export function evalFrozenBatchNorm(model: Module): number {
  let n = 0;
  for (const m of model.modules()) {
    if (m instanceof BatchNormBase && m.parameters().every((p) => !p.requiresGrad)) {
      m.eval();
      n++;
    }
  }
  return n;
}
