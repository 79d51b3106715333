import type { Module } from '@nnkit/nn';
import { tensor, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import type { ReplicaLayout } from './protocol.js';

/** `[key, shape]` of every state entry and the parameter sizes of `model`. */
export function layoutOf(model: Module): ReplicaLayout {
  return {
    state: Object.entries(model.stateDict()).map(([k, t]) => [k, [...t.shape]]),
    params: model.parameters().map((p) => p.size),
  };
}

/** Every `stateDict()` entry of `model`, flattened in key order into one float32 array. */
export function packState(model: Module): Float32Array {
  const entries = Object.values(model.stateDict());
  const out = new Float32Array(entries.reduce((s, t) => s + t.size, 0));
  let o = 0;
  for (const t of entries) {
    out.set(t.dataSync(), o);
    o += t.size;
  }
  return out;
}

/**
 * Writes `flat` (from {@link packState}) into `model`'s parameters and buffers; entries whose
 * `keep(key)` is true are left as they are.
 */
export function unpackState(model: Module, flat: Float32Array, keep: (key: string) => boolean = () => false): void {
  let o = 0;
  for (const [key, t] of Object.entries(model.stateDict())) {
    if (!keep(key)) {
      const v = tensor(flat.subarray(o, o + t.size), t.shape, t.dtype === 'int32' ? 'int32' : 'float32') as Tensor;
      (t as Variable).assign(v);
      v.dispose();
    }
    o += t.size;
  }
}

/** Whether two layouts describe the same model (same keys, shapes and parameter sizes). */
export function sameLayout(a: ReplicaLayout, b: ReplicaLayout): string | undefined {
  if (a.state.length !== b.state.length) return `${a.state.length} state entries against ${b.state.length}`;
  for (let i = 0; i < a.state.length; i++) {
    const [ka, sa] = a.state[i]!;
    const [kb, sb] = b.state[i]!;
    if (ka !== kb || sa.join(',') !== sb.join(',')) return `entry ${i}: '${ka}' [${sa.join(', ')}] against '${kb}' [${sb.join(', ')}]`;
  }
  if (a.params.join(',') !== b.params.join(',')) return `parameter sizes [${a.params.join(', ')}] against [${b.params.join(', ')}]`;
  return undefined;
}
