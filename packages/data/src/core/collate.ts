import { Tensor, type DataType, stack, tensor, tidy } from '@tensorflow/tfjs-core';
import { ShapeError, DTypeError, ArgumentError, StateError } from '@nnkit/tensor';

/** Any typed array a sample may hold (stacked into one tensor by {@link defaultCollate}). */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array;

function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView) && !(x instanceof BigInt64Array) && !(x instanceof BigUint64Array);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

function where(path: string): string {
  return path === '' ? '' : ` at '${path}'`;
}

function collateTensors(samples: Tensor[], path: string): Tensor {
  const first = samples[0]!;
  samples.forEach((t, k) => {
    if (t.isDisposed) throw new StateError('defaultCollate', `sample ${k}${where(path)} is a disposed tensor`);
    if (t.shape.length !== first.shape.length || t.shape.some((s, d) => s !== first.shape[d])) {
      throw new ShapeError(`defaultCollate${where(path)}`, `[${first.shape.join(', ')}] (as sample 0; stack expects each tensor to be equal size)`, t.shape, `sample ${k}`);
    }
    if (t.dtype !== first.dtype) {
      throw new DTypeError(`defaultCollate${where(path)}`, `${first.dtype} (as sample 0)`, t.dtype, `sample ${k}`);
    }
  });
  return stack(samples, 0);
}

function collateTypedArrays(samples: TypedArray[], path: string): Tensor {
  const first = samples[0]!;
  const L = first.length;
  const float = samples.some((a) => a instanceof Float32Array || a instanceof Float64Array);
  const out = float ? new Float32Array(samples.length * L) : new Int32Array(samples.length * L);
  samples.forEach((a, k) => {
    if (a.length !== L) {
      throw new ShapeError(`defaultCollate${where(path)}`, `[${L}] (typed arrays must have equal length, as sample 0)`, [a.length], `sample ${k}`);
    }
    out.set(a, k * L);
  });
  return tensor(out, [samples.length, L], float ? 'float32' : 'int32');
}

function collateNumbers(samples: number[]): Tensor {
  const dtype: DataType = samples.every((v) => Number.isInteger(v)) ? 'int32' : 'float32';
  return tensor(dtype === 'int32' ? Int32Array.from(samples) : Float32Array.from(samples), [samples.length], dtype);
}

function collateAny(samples: unknown[], path: string): unknown {
  const first = samples[0];
  const kind = (v: unknown): string =>
    v instanceof Tensor ? 'tensor' : isTypedArray(v) ? 'typed array' : Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
  const k0 = kind(first);
  samples.forEach((s, k) => {
    const ks = kind(s);
    if (ks !== k0) throw new ArgumentError('defaultCollate', `sample 0 is a ${k0} but sample ${k} is a ${ks}${where(path)}`);
  });
  if (first instanceof Tensor) return collateTensors(samples as Tensor[], path);
  if (isTypedArray(first)) return collateTypedArrays(samples as TypedArray[], path);
  if (typeof first === 'number') return collateNumbers(samples as number[]);
  if (typeof first === 'boolean') return tensor(samples as boolean[], [samples.length], 'bool');
  if (typeof first === 'string' || first === null || first === undefined) return samples.slice();
  if (Array.isArray(first)) {
    const n = first.length;
    samples.forEach((s, k) => {
      if ((s as unknown[]).length !== n) {
        throw new ShapeError(`defaultCollate${where(path)}`, `a list of ${n} elements (each element in list of batch should be of equal size, as sample 0)`, `${(s as unknown[]).length} elements`, `sample ${k}`);
      }
    });
    const out: unknown[] = [];
    for (let j = 0; j < n; j++) out.push(collateAny(samples.map((s) => (s as unknown[])[j]), path === '' ? String(j) : `${path}.${j}`));
    return out;
  }
  if (isPlainObject(first)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = collateAny(
        samples.map((s, k) => {
          const o = s as Record<string, unknown>;
          if (!(key in o)) throw new ArgumentError('defaultCollate', `sample ${k} has no key '${key}'${where(path)}`);
          return o[key];
        }),
        path === '' ? key : `${path}.${key}`,
      );
    }
    return out;
  }
  throw new ArgumentError('defaultCollate', `samples${where(path)} must contain tensors, typed arrays, numbers, booleans, strings, arrays or plain objects; found ${Object.prototype.toString.call(first)}`);
}

/**
 * Merges a list of samples into a batch, recursively (like `torch.utils.data.default_collate`):
 * - tfjs tensors `[...S]` → stacked `[B, ...S]` (same shape and dtype required);
 * - typed arrays of length L → `[B, L]` (float32 for Float32/Float64Array, int32 otherwise);
 * - numbers → `[B]`, int32 when every value is an integer, float32 otherwise;
 * - booleans → `[B]` bool; strings, null and undefined → a plain array of length B;
 * - arrays/tuples → an array of the collated positions (transposed, as PyTorch does);
 * - plain objects → an object of the collated fields.
 *
 * The returned tensors are new and owned by the caller; the inputs are not disposed.
 *
 * @example
 * ```ts
 * const batch = defaultCollate([{ x: new Float32Array([1, 2]), y: 0 }, { x: new Float32Array([3, 4]), y: 1 }]);
 * // batch.x: float32 [2, 2], batch.y: int32 [2]
 * ```
 */
export function defaultCollate<T = unknown>(samples: readonly unknown[]): T {
  if (samples.length === 0) throw new ArgumentError('defaultCollate', 'cannot collate an empty batch');
  return tidy(() => {
    const out = collateAny(samples as unknown[], '');
    return out as never;
  }) as T;
}

/** Every tfjs tensor reachable in a (nested) sample or batch. */
export function collectTensors(value: unknown, out: Tensor[] = []): Tensor[] {
  if (value instanceof Tensor) out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectTensors(v, out);
  else if (isPlainObject(value)) for (const v of Object.values(value)) collectTensors(v, out);
  return out;
}

/**
 * Disposes every tensor in a (nested) batch: arrays and plain objects are walked recursively.
 * @example `for await (const b of loader) { ...; disposeBatch(b); }`
 */
export function disposeBatch(batch: unknown): void {
  for (const t of collectTensors(batch)) if (!t.isDisposed) t.dispose();
}
