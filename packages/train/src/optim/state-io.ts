import { readSafetensors, saveSafetensors } from '@nnkit/nn';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Parameter } from '@nnkit/nn';
import { FormatError } from '@nnkit/tensor';
import { disposeStateDict, type Optimizer, type OptimizerStateDict } from './optimizer.js';

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
 * Parses and validates optimizer-state bytes written by {@link saveOptimizerState} against `opt`
 * without touching it: same number and sizes of parameter groups, group options of the same
 * types as the optimizer's own (finite numbers, booleans, number arrays of the same length),
 * state for existing parameters with their shapes, finite scalars (`step` a non-negative integer).
 * Returns the state dict (its tensors belong to the caller: see `disposeStateDict`).
 *
 * @throws FormatError (or SafetensorsError) naming `file` and what is wrong
 * @example
 * ```ts
 * const dict = readOptimizerState(opt, bytes, 'ckpt/optimizer.safetensors');
 * opt.loadStateDict(dict); disposeStateDict(dict);
 * ```
 */
export function readOptimizerState(opt: Optimizer<{ lr: number }>, bytes: Uint8Array | ArrayBuffer, file = '<bytes>'): OptimizerStateDict {
  const fail = (reason: string): never => {
    throw new FormatError('nnkit-optimizer', file, reason);
  };
  let contents: ReturnType<typeof readSafetensors>;
  try {
    contents = readSafetensors(bytes);
  } catch (e) {
    if (e instanceof FormatError) fail(e.reason);
    throw e;
  }
  const { tensors, metadata: meta } = contents;
  try {
    if (meta['format'] !== FORMAT) fail(`not an nnkit optimizer state (format ${JSON.stringify(meta['format'] ?? null)})`);
    const json = (key: string, fallback: string): unknown => {
      try {
        return JSON.parse(meta[key] ?? fallback) as unknown;
      } catch (e) {
        return fail(`metadata '${key}' is not valid JSON (${(e as Error).message})`);
      }
    };
    const params: Parameter[] = [];
    const seen = new Set<Parameter>();
    for (const g of opt.paramGroups) for (const p of g.params) if (!seen.has(p)) (seen.add(p), params.push(p));
    const groups = json('param_groups', '[]');
    if (!Array.isArray(groups) || groups.length !== opt.paramGroups.length) {
      fail(`param_groups must be an array of ${opt.paramGroups.length} group(s), got ${Array.isArray(groups) ? groups.length : typeof groups}`);
    }
    (groups as unknown[]).forEach((g, i) => {
      const own = opt.paramGroups[i]! as unknown as Record<string, unknown>;
      if (g === null || typeof g !== 'object' || Array.isArray(g)) fail(`param_groups[${i}] must be an object`);
      const o = g as Record<string, unknown>;
      const ps = o['params'];
      const size = (own['params'] as unknown[]).length;
      if (!Array.isArray(ps) || ps.length !== size || !ps.every((x) => Number.isSafeInteger(x) && x >= 0 && x < params.length)) {
        fail(`param_groups[${i}].params must list ${size} parameter indices below ${params.length}`);
      }
      for (const [k, v] of Object.entries(o)) {
        if (k === 'params') continue;
        const mine = own[k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())];
        const ok =
          typeof mine === 'number' ? typeof v === 'number' && Number.isFinite(v)
          : typeof mine === 'boolean' ? typeof v === 'boolean'
          : Array.isArray(mine) ? Array.isArray(v) && v.length === mine.length && v.every((x) => typeof x === 'number' && Number.isFinite(x))
          : mine === undefined || mine === null ? v === null || ['number', 'boolean', 'string'].includes(typeof v)
          : typeof v === typeof mine;
        if (!ok) fail(`param_groups[${i}].${k} must be like ${JSON.stringify(mine)}, got ${JSON.stringify(v)?.slice(0, 40)}`);
      }
    });
    const state: OptimizerStateDict['state'] = {};
    for (const [key, t] of Object.entries(tensors)) {
      const m = /^state\.(\d+)\.(.+)$/.exec(key);
      if (!m) fail(`unexpected tensor '${key}'`);
      const i = Number(m![1]);
      const p = params[i];
      if (!p) fail(`tensor '${key}' is for parameter ${i}, the optimizer has ${params.length}`);
      if (m![2] !== 'step' && t.shape.join(',') !== p!.shape.join(',')) fail(`tensor '${key}' has shape [${t.shape}], parameter ${i} has [${p!.shape}]`);
      (state[i] ??= {})[m![2]!] = t;
    }
    const scalars = json('scalars', '{}');
    if (scalars === null || typeof scalars !== 'object' || Array.isArray(scalars)) fail('metadata scalars must be an object');
    for (const [i, sc] of Object.entries(scalars as Record<string, unknown>)) {
      if (!/^\d+$/.test(i) || Number(i) >= params.length) fail(`scalars for parameter ${i}, the optimizer has ${params.length}`);
      if (sc === null || typeof sc !== 'object' || Array.isArray(sc)) fail(`scalars.${i} must be an object of numbers`);
      for (const [k, v] of Object.entries(sc as Record<string, unknown>)) {
        if (typeof v !== 'number' || !Number.isFinite(v) || (k === 'step' && (!Number.isSafeInteger(v) || v < 0))) {
          fail(`scalars.${i}.${k} must be a finite number${k === 'step' ? ' (a non-negative integer)' : ''}, got ${JSON.stringify(v)}`);
        }
      }
      Object.assign((state[Number(i)] ??= {}), sc);
    }
    return { state, param_groups: groups as OptimizerStateDict['param_groups'] };
  } catch (e) {
    for (const t of Object.values(tensors)) t.dispose();
    throw e;
  }
}

/**
 * Restores an optimizer from bytes written by {@link saveOptimizerState} (same parameter
 * groups, in the same order, as when saved). Everything is validated first
 * ({@link readOptimizerState}): on error the optimizer is unchanged.
 *
 * @example
 * ```ts
 * loadOptimizerState(opt, bytes);
 * ```
 */
export function loadOptimizerState(opt: Optimizer<{ lr: number }>, bytes: Uint8Array | ArrayBuffer, file?: string): void {
  const dict = readOptimizerState(opt, bytes, file);
  try {
    opt.loadStateDict(dict);
  } finally {
    disposeStateDict(dict);
  }
}
