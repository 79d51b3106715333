import { readSafetensors, saveSafetensors } from '@nnkit/nn';
import type { Tensor } from '@tensorflow/tfjs-core';
import { disposeStateDict, type Optimizer, type OptimizerStateDict } from './optimizer.js';
import { FormatError } from '@nnkit/tensor';
import { parseJson } from '../runner/parse-json.js';

const FORMAT = 'nnkit.optimizer.v1';

/**
 * Serialises an optimizer's {@link Optimizer.stateDict} as safetensors bytes: each state tensor
 * under `state.<paramIndex>.<key>` (e.g. `state.0.exp_avg`), the numbers (`step`) and the
 * `param_groups` as JSON in the `__metadata__`. Round-trips exactly through {@link loadOptimizerState}.
 *
 * @example
 * ```ts
 * writeFileSync('opt.safetensors', saveOptimizerState(opt));
 * loadOptimizerState(newOpt, readFileSync('opt.safetensors'));
 * ```
 */
export function saveOptimizerState(opt: Optimizer<{ lr: number }>): Uint8Array {
  const sd = opt.stateDict();
  try {
    const tensors: Record<string, Tensor> = {};
    const scalars: Record<string, Record<string, number>> = {};
    for (const [i, s] of Object.entries(sd.state)) {
      for (const [k, v] of Object.entries(s)) {
        if (typeof v === 'number') (scalars[i] ??= {})[k] = v;
        else tensors[`state.${i}.${k}`] = v;
      }
    }
    return saveSafetensors(tensors, {
      format: FORMAT,
      param_groups: JSON.stringify(sd.param_groups),
      scalars: JSON.stringify(scalars),
    }, { int64: false });
  } finally {
    disposeStateDict(sd);
  }
}

/**
 * Restores an optimizer from bytes written by {@link saveOptimizerState} (same parameter
 * groups, in the same order, as when saved).
 *
 * @example
 * ```ts
 * loadOptimizerState(opt, bytes);
 * ```
 */
export function loadOptimizerState(opt: Optimizer<{ lr: number }>, bytes: Uint8Array | ArrayBuffer): void {
  const { tensors, metadata: meta } = readSafetensors(bytes);
  try {
    if (meta['format'] !== FORMAT) throw new FormatError('nnkit-optimizer-state', undefined, `loadOptimizerState: not an nnkit optimizer state (format ${String(meta['format'])})`);
    const state: OptimizerStateDict['state'] = {};
    for (const [key, t] of Object.entries(tensors)) {
      const m = /^state\.(\d+)\.(.+)$/.exec(key);
      if (!m) throw new FormatError('nnkit-optimizer-state', undefined, `loadOptimizerState: unexpected tensor '${key}'`);
      (state[Number(m[1])] ??= {})[m[2]!] = t;
    }
    const scalars = parseJson(meta['scalars'] ?? '{}', 'nnkit-optimizer-state', undefined, 'scalars') as Record<string, Record<string, number>>;
    for (const [i, s] of Object.entries(scalars)) Object.assign((state[Number(i)] ??= {}), s);
    const groups = parseJson(meta['param_groups'] ?? '[]', 'nnkit-optimizer-state', undefined, 'param_groups') as OptimizerStateDict['param_groups'];
    opt.loadStateDict({ state, param_groups: groups });
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
