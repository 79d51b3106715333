import type { Module } from '@nnkit/nn';
import { clone, type Tensor } from '@tensorflow/tfjs-core';
import { FormatError, getRngState, setRngState } from '@nnkit/tensor';
import { disposeStateDict } from '../optim/optimizer.js';
import type { LoopState } from './fit.js';
import type { Runner } from './runner.js';

/**
 * Checks a state dict read from `file` against `model` before anything is assigned: the same
 * keys, shapes, and for parameters the same dtype (buffers are cast, as `loadStateDict` does).
 *
 * @throws FormatError naming the file and every mismatch (up to 5)
 */
export function checkModelDict(model: Module, dict: Record<string, Tensor>, file: string, format = 'nnkit-checkpoint'): void {
  const own = model.stateDict();
  const params = new Set([...model.namedParameters()].map(([k]) => k));
  const problems: string[] = [];
  for (const k of Object.keys(own)) if (!(k in dict)) problems.push(`missing '${k}'`);
  for (const [k, t] of Object.entries(dict)) {
    const o = own[k];
    if (!o) problems.push(`unexpected '${k}'`);
    else if (o.shape.join(',') !== t.shape.join(',')) problems.push(`'${k}' has shape [${t.shape}], the model's is [${o.shape}]`);
    else if (params.has(k) && t.dtype !== o.dtype) problems.push(`'${k}' has dtype ${t.dtype}, the model's is ${o.dtype}`);
  }
  if (problems.length) {
    const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
    throw new FormatError(format, file, `does not fit ${model.constructor.name}: ${problems.slice(0, 5).join('; ')}${more}`);
  }
}

/** Hex SHA-256 of `bytes` with Web Crypto, or `undefined` where it is not available. */
export async function fileDigest(bytes: Uint8Array): Promise<string | undefined> {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (!subtle) return undefined;
  const d = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

const cloneAll = (d: Record<string, Tensor>): Record<string, Tensor> => Object.fromEntries(Object.entries(d).map(([k, t]) => [k, clone(t)]));
const disposeAll = (d: Record<string, Tensor>): void => {
  for (const t of Object.values(d)) t.dispose();
};

/**
 * Runs `apply` (the assignments of a load) with a backup of everything it may touch — weights,
 * optimizer, scheduler, RNGs, callbacks — and restores the backup if it throws, so a failed load
 * leaves the runner as it was. The error is rethrown as a {@link FormatError} naming `file`.
 */
export function restoreOnError(runner: Runner, loop: LoopState, file: string, apply: () => void): void {
  const weights = cloneAll(runner.model.stateDict());
  const opt = runner.optimizer.stateDict();
  const sched = runner.scheduler?.stateDict();
  const rng = getRngState();
  const gens = loop.rngs.map((g) => g.getState());
  const cbs = loop.callbacks.map((cb) => (typeof cb.stateDict === 'function' ? structuredClone(cb.stateDict()) : undefined));
  const cbTensors = loop.callbacks.map((cb) => (typeof cb.tensorState === 'function' ? cloneAll(cb.tensorState()) : undefined));
  try {
    apply();
  } catch (e) {
    const quiet = (f: () => void): void => {
      try {
        f();
      } catch {
        // best effort: put back what can be put back
      }
    };
    quiet(() => runner.model.loadStateDict(weights));
    quiet(() => runner.optimizer.loadStateDict(opt));
    if (sched !== undefined) quiet(() => runner.scheduler!.loadStateDict(sched));
    quiet(() => setRngState(rng));
    loop.rngs.forEach((g, i) => quiet(() => g.setState(gens[i] as never)));
    loop.callbacks.forEach((cb, i) => {
      if (cbs[i] !== undefined) quiet(() => cb.loadStateDict!(cbs[i]));
      const t = cbTensors[i];
      if (t !== undefined) {
        quiet(() => cb.loadTensorState!(t));
        cbTensors[i] = undefined; // handed over
      }
    });
    const reason = e instanceof FormatError ? e.reason : `could not be applied (${e instanceof Error ? e.message : String(e)}); nothing was changed`;
    throw e instanceof FormatError ? e : new FormatError('nnkit-checkpoint', file, reason, { cause: e });
  } finally {
    disposeAll(weights);
    disposeStateDict(opt);
    for (const t of cbTensors) if (t) disposeAll(t);
  }
}
