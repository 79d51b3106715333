import type { Tensor } from '@tensorflow/tfjs-core';
import { SafetensorsError } from './safetensors-error.js';

/** Options for {@link saveSafetensors}. */
export interface SaveSafetensorsOptions {
  /**
   * Which int32 tensors to write as I64 (PyTorch's `num_batches_tracked` and index tensors are
   * int64): `true` for all, `false` for none, or a predicate on the key. Default: keys ending in
   * `num_batches_tracked`, so a file written by nnkit loads in PyTorch's `load_state_dict`.
   */
  int64?: boolean | ((key: string) => boolean);
}

const defaultInt64 = (key: string): boolean => key.endsWith('num_batches_tracked');

/**
 * Writes tensors as a safetensors file (bytes), like the reference writer: keys sorted, header
 * JSON padded with spaces to a multiple of 8 bytes, little-endian data. float32 → F32, int32 →
 * I32 (or I64, see {@link SaveSafetensorsOptions.int64}), bool → BOOL. Does not dispose the
 * tensors. Raises {@link SafetensorsError} (`invalid_tensor`) for other dtypes, the reserved key
 * `__metadata__`, or a metadata value that is not a string.
 *
 * @example
 * ```ts
 * const bytes = saveSafetensors(model.stateDict(), { format: 'pt' });
 * writeFileSync('model.safetensors', bytes); // torch: model.load_state_dict(safetensors.torch.load_file(...))
 * ```
 */
export function saveSafetensors(
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
  opts: SaveSafetensorsOptions = {},
): Uint8Array {
  const wantI64 = opts.int64 === undefined ? defaultInt64 : typeof opts.int64 === 'boolean' ? () => opts.int64 as boolean : opts.int64;
  const header: Record<string, unknown> = {};
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const name of Object.keys(tensors).sort()) {
    if (name === '__metadata__') throw new SafetensorsError('invalid_tensor', "the key '__metadata__' is reserved", name);
    const t = tensors[name]!;
    let code: string;
    let raw: Uint8Array;
    if (t.isDisposed) throw new SafetensorsError('invalid_tensor', 'tensor is disposed', name);
    if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') {
      throw new SafetensorsError('invalid_tensor', `dtype ${t.dtype} cannot be stored (float32, int32 and bool can)`, name);
    }
    const values = t.dataSync();
    if (t.dtype === 'float32') {
      code = 'F32';
      const f = new Float32Array(values as Float32Array);
      raw = new Uint8Array(f.buffer);
    } else if (t.dtype === 'int32' && wantI64(name)) {
      code = 'I64';
      const out = new BigInt64Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i] as number);
      raw = new Uint8Array(out.buffer);
    } else if (t.dtype === 'int32') {
      code = 'I32';
      raw = new Uint8Array(new Int32Array(values as Int32Array).buffer);
    } else {
      code = 'BOOL';
      raw = Uint8Array.from(values as Uint8Array, (v) => (v ? 1 : 0));
    }
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1 && code !== 'BOOL') {
      const size = code === 'I64' ? 8 : 4;
      for (let i = 0; i < raw.length; i += size) raw.subarray(i, i + size).reverse();
    }
    header[name] = { dtype: code, shape: t.shape, data_offsets: [offset, offset + raw.length] };
    blobs.push(raw);
    offset += raw.length;
  }
  if (metadata && Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new SafetensorsError('invalid_metadata', `metadata value of '${k}' is not a string`);
    }
    header.__metadata__ = metadata;
  }
  // Non-ASCII escaped as \uXXXX, like Python's json.dumps, so headers match the reference byte for byte.
  const json = JSON.stringify(header).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  let h = new TextEncoder().encode(json);
  const pad = (8 - (h.length % 8)) % 8;
  if (pad) {
    const padded = new Uint8Array(h.length + pad).fill(0x20);
    padded.set(h);
    h = padded;
  }
  const out = new Uint8Array(8 + h.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  let pos = 8 + h.length;
  for (const b of blobs) {
    out.set(b, pos);
    pos += b.length;
  }
  return out;
}
