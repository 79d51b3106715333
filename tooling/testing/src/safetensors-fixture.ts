import { readFileSync } from 'node:fs';
import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import { fixturePath } from './fixtures.js';

/** A parity fixture: tensors by name plus the `__metadata__` strings written by the generator. */
export interface Fixture {
  tensors: Record<string, Tensor>;
  meta: Record<string, string>;
  /** The tensor `name`; throws with the list of available names when absent. */
  get(name: string): Tensor;
  /** JSON-decoded metadata entry (generators store configs as JSON strings). */
  config<T = unknown>(key?: string): T;
  dispose(): void;
}

/**
 * Reads a trusted safetensors fixture written by `tooling/parity` (test-only; the validating
 * production reader is `loadSafetensors` in `@nnkit/nn`). F64 is narrowed to float32 and
 * I64 to int32, as tfjs has no 64-bit types.
 */
export function readFixture(testUrl: string, name: string): Fixture {
  const file = fixturePath(testUrl, name.endsWith('.safetensors') ? name : `${name}.safetensors`);
  const buf = readFileSync(file);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  const base = 8 + n;
  const tensors: Record<string, Tensor> = {};
  let meta: Record<string, string> = {};
  for (const [key, info] of Object.entries(header)) {
    if (key === '__metadata__') {
      meta = info as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: [a, b] } = info as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const raw = bytes.slice(base + a, base + b);
    const ab = raw.buffer;
    let values: Float32Array | Int32Array;
    switch (dtype) {
      case 'F32': values = new Float32Array(ab); break;
      case 'F64': values = Float32Array.from(new Float64Array(ab)); break;
      case 'I64': values = Int32Array.from(new BigInt64Array(ab), (v) => Number(v)); break;
      case 'I32': values = new Int32Array(ab); break;
      case 'U8': case 'BOOL': values = Int32Array.from(raw); break;
      default: throw new Error(`${file}: unsupported dtype ${dtype} for ${key}`);
    }
    tensors[key] = tensor(values, shape, values instanceof Float32Array ? 'float32' : 'int32');
  }
  return {
    tensors,
    meta,
    get(k: string): Tensor {
      const t = tensors[k];
      if (!t) throw new Error(`${file}: no tensor '${k}' (has: ${Object.keys(tensors).join(', ')})`);
      return t;
    },
    config<T>(key = 'config'): T {
      const v = meta[key];
      if (v === undefined) throw new Error(`${file}: no metadata '${key}'`);
      return JSON.parse(v) as T;
    },
    dispose(): void {
      for (const t of Object.values(tensors)) t.dispose();
    },
  };
}

/** Tensors of a fixture whose names start with `prefix`, with the prefix removed (e.g. `w.` → a state dict). */
export function withPrefix(tensors: Record<string, Tensor>, prefix: string): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(tensors)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/**
 * The JSON metadata entry `key` of a fixture, read from the header only (no tensors are made, so
 * it can run while tests are collected — before any tfjs backend exists — to list the cases).
 */
export function readFixtureConfig<T = unknown>(testUrl: string, name: string, key = 'config'): T {
  const file = fixturePath(testUrl, name.endsWith('.safetensors') ? name : `${name}.safetensors`);
  const buf = readFileSync(file);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as { __metadata__?: Record<string, string> };
  const v = header.__metadata__?.[key];
  if (v === undefined) throw new Error(`${file}: no metadata '${key}'`);
  return JSON.parse(v) as T;
}
