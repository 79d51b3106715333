import * as tf from '@tensorflow/tfjs-core';
import { loadSafetensors, saveSafetensors, type Module, type ModelEntry } from '@nnkit/nn';

/** Deterministic float32 input of `shape` (sines: no two samples alike). */
export function input(shape: readonly number[], seed = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 0.7311) * 1.5), [...shape]);
}

/** Output of a call as a flat array (first tensor of an array/record output). */
export function values(out: unknown): Float32Array {
  const t = out instanceof tf.Tensor ? out : Array.isArray(out) ? (out[0] as tf.Tensor) : (Object.values(out as object)[0] as tf.Tensor);
  return t.dataSync() as Float32Array;
}

/** Every tensor of an output (tensor, array or record). */
export function tensorsOf(out: unknown): tf.Tensor[] {
  if (out instanceof tf.Tensor) return [out];
  if (Array.isArray(out)) return out.flatMap(tensorsOf);
  if (out && typeof out === 'object') return Object.values(out).flatMap(tensorsOf);
  return [];
}

/** Eval-mode output of `m` for `x` (tensors disposed), as plain numbers. */
export function evalOut(m: Module, x: tf.Tensor): Float32Array {
  const out = m.eval().call(x);
  const v = values(out).slice();
  tensorsOf(out).forEach((t) => t.dispose());
  return v;
}

/** A copy of every state-dict value. */
export function stateValues(m: Module): Record<string, number[]> {
  return Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]));
}

/** Copies `from`'s state into a fresh instance through safetensors bytes. */
export function roundTripSafetensors(entry: ModelEntry, from: Module): Module {
  const bytes = saveSafetensors(from.stateDict());
  const dict = loadSafetensors(bytes);
  const m = entry.build();
  m.loadStateDict(dict);
  Object.values(dict).forEach((t) => t.dispose());
  return m;
}

/** Largest |a − b| relative to max(1, |b|). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return d;
}
