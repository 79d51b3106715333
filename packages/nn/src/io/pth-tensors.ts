import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import { SafetensorsError } from './safetensors-error.js';
import { decode, ITEMSIZE } from './dtypes.js';
import { PthError } from './pth-error.js';
import { PthObject, PyGlobal, type Raw, StorageRef, TensorRef } from './pth-values.js';

/** Reads the bytes of storage `key` (`<archive>/data/<key>`), or throws `missing_record`. */
export type StorageReader = (key: string) => Uint8Array;

/** A value read from a checkpoint: see {@link readPth} for how Python values map to these. */
export type PthValue = null | boolean | number | bigint | string | Uint8Array | Tensor | PthValue[] | Map<PthKey, PthValue> | Set<PthValue> | PthObject<PthValue>;
/** A key of a checkpoint dict (Python str, int, float, bool, None, bytes or tuple keys). */
export type PthKey = PthValue;

interface Limits {
  maxElements: number;
  maxDepth: number;
  bigEndian: boolean;
  file: string | undefined;
}

const pathOf = (path: string[]): string => (path.length ? path.map((p) => `[${p}]`).join('') : 'the top-level value');
const keyText = (k: Raw): string => (typeof k === 'string' ? JSON.stringify(k) : k instanceof Map || Array.isArray(k) ? '…' : String(k));

/** Walks `root` (depth-limited, cycles visited once), collecting every tensor view with its path. */
function collect(root: Raw, lim: Limits): Map<TensorRef, string> {
  const found = new Map<TensorRef, string>();
  const seen = new Set<object>();
  const path: string[] = [];
  const visit = (v: Raw, step: string): void => {
    path.push(step);
    if (path.length > lim.maxDepth + 1) throw new PthError('too_deep', `containers nested deeper than ${lim.maxDepth} levels at ${pathOf(path.slice(1, 4))}…`, lim.file);
    if (v instanceof TensorRef) {
      if (!found.has(v)) found.set(v, pathOf(path.slice(1)));
    } else if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array || v instanceof PyGlobal || v instanceof StorageRef) && !seen.has(v)) {
      seen.add(v);
      if (Array.isArray(v)) v.forEach((x, i) => visit(x, String(i)));
      else if (v instanceof PthObject) {
        v.args.forEach((x, i) => visit(x, `${v.type}(arg ${i})`));
        visit(v.state, `${v.type}.state`);
        for (const [k, x] of v.items) {
          visit(k, '(key)');
          visit(x, keyText(k));
        }
        v.list.forEach((x, i) => visit(x, String(i)));
      }
      else if (v instanceof Map) {
        for (const [k, x] of v) {
          visit(k, '(key)');
          visit(x, keyText(k));
        }
      } else {
        for (const x of v) {
          if (x instanceof TensorRef) throw new PthError('invalid_tensor', `a tensor inside a set at ${pathOf(path.slice(1))} is not supported`, lim.file);
          visit(x, '…');
        }
      }
    }
    path.pop();
  };
  visit(root, '');
  return found;
}

function numelOf(ref: TensorRef, where: string, lim: Limits): number {
  let n = 1;
  for (const d of ref.size) n *= d;
  if (!Number.isSafeInteger(n) || n > 2 ** 31 - 1) throw new PthError('too_large', `tensor ${where} of size [${ref.size}] has more elements than a tensor can hold`, lim.file);
  return n;
}

/** The elements of `ref` gathered from its (decoded) storage in row-major order. */
function gather<T extends Float32Array | Int32Array | Uint8Array>(src: T, ref: TensorRef, n: number): T {
  const rank = ref.size.length;
  let contiguous = true;
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    if (ref.size[i]! !== 1 && ref.stride[i]! !== s) contiguous = false;
    s *= ref.size[i]!;
  }
  // The decoded storage is a fresh copy owned here: a view of all of it is handed over as is.
  if (contiguous) return ref.offset === 0 && n === src.length ? src : (src.slice(ref.offset, ref.offset + n) as T);
  const out = new (src.constructor as new (n: number) => T)(n);
  const idx = new Array<number>(rank).fill(0);
  let at = ref.offset;
  for (let k = 0; k < n; k++) {
    out[k] = src[at]!;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      at += ref.stride[d]!;
      if (idx[d]! < ref.size[d]!) break;
      at -= ref.stride[d]! * ref.size[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * Replaces every {@link TensorRef} under `root` by a tfjs tensor, after checking every view
 * against its storage record and the element budget (nothing is allocated if a check fails).
 * Returns the converted value; tensors made before a later failure are disposed.
 */
export function materialize(root: Raw, read: StorageReader, lim: Limits): PthValue {
  const refs = collect(root, lim);
  const storageBytes = new Map<StorageRef, Uint8Array>();
  let total = 0;
  for (const [ref, where] of refs) {
    const n = numelOf(ref, where, lim);
    total += n;
    if (total > lim.maxElements) throw new PthError('too_large', `tensors hold more than maxElements = ${lim.maxElements} elements (at ${where}); raise the limit if the file is trusted`, lim.file);
    let bytes = storageBytes.get(ref.storage);
    if (!bytes) {
      bytes = read(ref.storage.key);
      if (bytes.length % ITEMSIZE[ref.storage.dtype]) throw new PthError('invalid_tensor', `storage '${ref.storage.key}' (${ref.storage.storageType}) has ${bytes.length} bytes, not a multiple of ${ITEMSIZE[ref.storage.dtype]}`, lim.file);
      storageBytes.set(ref.storage, bytes);
    }
    if (n === 0) continue;
    let last = ref.offset;
    for (let i = 0; i < ref.size.length; i++) last += (ref.size[i]! - 1) * ref.stride[i]!;
    const have = bytes.length / ITEMSIZE[ref.storage.dtype];
    if (!Number.isSafeInteger(last) || last >= have) {
      throw new PthError('invalid_tensor', `tensor ${where} (offset ${ref.offset}, size [${ref.size}], stride [${ref.stride}]) reaches element ${last} of storage '${ref.storage.key}', which has ${have}`, lim.file);
    }
  }
  const decoded = new Map<StorageRef, Float32Array | Int32Array | Uint8Array>();
  const made = new Map<TensorRef, Tensor>();
  try {
    for (const [ref, where] of refs) {
      let values = decoded.get(ref.storage);
      const dtype = ref.storage.dtype === 'BOOL' ? 'bool' : ref.storage.dtype.startsWith('F') || ref.storage.dtype === 'BF16' ? 'float32' : 'int32';
      if (!values) {
        let raw = storageBytes.get(ref.storage)!;
        const size = ITEMSIZE[ref.storage.dtype];
        if (lim.bigEndian && size > 1) {
          raw = raw.slice();
          for (let i = 0; i < raw.length; i += size) raw.subarray(i, i + size).reverse();
        }
        try {
          values = decode(ref.storage.dtype, raw, where).values;
        } catch (e) {
          if (e instanceof SafetensorsError && e.kind === 'int_out_of_range') throw new PthError('int_out_of_range', `tensor ${where}: ${e.reason.replace(/^tensor '[^']*': /, '')}`, lim.file);
          throw e;
        }
        decoded.set(ref.storage, values);
      }
      made.set(ref, tensor(gather(values, ref, numelOf(ref, where, lim)), ref.size, dtype));
    }
  } catch (e) {
    for (const t of made.values()) t.dispose();
    throw e;
  }
  return convert(root, made);
}

/** Rebuilds the value with tensors in place of views; globals left as values become their names. */
function convert(root: Raw, made: Map<TensorRef, Tensor>): PthValue {
  const done = new Map<object, PthValue>();
  const go = (v: Raw): PthValue => {
    if (v instanceof TensorRef) return made.get(v)!;
    if (v instanceof PyGlobal) return v.qualname;
    if (v instanceof StorageRef) return `storage:${v.key}`;
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
    const had = done.get(v);
    if (had !== undefined) return had;
    if (Array.isArray(v)) {
      const out: PthValue[] = [];
      done.set(v, out);
      for (const x of v) out.push(go(x));
      return out;
    }
    if (v instanceof PthObject) {
      const out = new PthObject<PthValue>(v.type, []);
      done.set(v, out);
      for (const x of v.args) out.args.push(go(x));
      out.state = go(v.state);
      for (const [k, x] of v.items) out.items.set(go(k), go(x));
      for (const x of v.list) out.list.push(go(x));
      return out;
    }
    if (v instanceof Map) {
      const out = new Map<PthKey, PthValue>();
      done.set(v, out);
      for (const [k, x] of v) out.set(go(k), go(x));
      return out;
    }
    const out = new Set<PthValue>();
    done.set(v, out);
    for (const x of v) out.add(go(x));
    return out;
  };
  return go(root);
}
