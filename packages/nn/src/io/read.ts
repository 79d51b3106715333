import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import { decode, ITEMSIZE, type SafetensorsDtype, UNSUPPORTED } from './dtypes.js';
import { SafetensorsError } from './safetensors-error.js';

/** Options for {@link readSafetensors} / {@link loadSafetensors}. */
export interface ReadSafetensorsOptions {
  /** Largest header accepted, in bytes (checked before anything is allocated). Default 100 MB. */
  maxHeaderBytes?: number;
  /** File name for error messages (`SafetensorsError.file`). */
  file?: string;
}

/** What {@link readSafetensors} returns: the tensors (owned by the caller) and the `__metadata__` strings. */
export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

interface Entry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

const DEFAULT_MAX_HEADER = 100 * 1024 * 1024;

function asBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  throw new SafetensorsError('invalid_header', `expected a Uint8Array or ArrayBuffer, got ${Object.prototype.toString.call(input)}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseEntry(name: string, info: unknown, dataLength: number): Entry {
  if (!isObject(info)) throw new SafetensorsError('invalid_header', 'entry is not an object', name);
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string') throw new SafetensorsError('unknown_dtype', `dtype must be a string, got ${JSON.stringify(dtype)}`, name);
  if (!(dtype in ITEMSIZE)) {
    if (UNSUPPORTED.has(dtype)) throw new SafetensorsError('unsupported_dtype', `dtype ${dtype} is not supported by nnkit`, name);
    throw new SafetensorsError('unknown_dtype', `unknown dtype ${JSON.stringify(dtype).slice(0, 40)}`, name);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new SafetensorsError('invalid_shape', `shape must be an array of non-negative integers, got ${JSON.stringify(shape)?.slice(0, 80)}`, name);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0) ||
    (offsets[0] as number) > (offsets[1] as number)
  ) {
    throw new SafetensorsError('invalid_offsets', `data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)?.slice(0, 80)}`, name);
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataLength) {
    throw new SafetensorsError('out_of_bounds', `data_offsets [${begin}, ${end}] lie outside the data section (${dataLength} bytes)`, name);
  }
  const itemsize = ITEMSIZE[dtype as SafetensorsDtype];
  let count = (shape as number[]).reduce((acc, d) => acc * d, 1);
  const zero = (shape as number[]).includes(0);
  if (zero) count = 0;
  const need = count * itemsize;
  if (!Number.isSafeInteger(need) || need !== end - begin) {
    const what = Number.isSafeInteger(need) ? `${need}` : 'more than 2^53';
    throw new SafetensorsError('size_mismatch', `shape [${shape}] of ${dtype} needs ${what} bytes, data_offsets give ${end - begin}`, name);
  }
  return { name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end };
}

/** Parses and validates the header; returns the entries and metadata without touching tensor data. */
function parseHeader(bytes: Uint8Array, maxHeader: number): { entries: Entry[]; metadata: Record<string, string>; data: Uint8Array } {
  if (bytes.length < 8) throw new SafetensorsError('truncated', `file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(maxHeader)) throw new SafetensorsError('header_too_large', `header length ${n} exceeds the limit of ${maxHeader} bytes`);
  const hlen = Number(n);
  if (8 + hlen > bytes.length) {
    throw new SafetensorsError('truncated', `header length ${hlen} runs past the end of the file (${bytes.length} bytes)`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + hlen));
  } catch {
    throw new SafetensorsError('invalid_utf8', 'header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError('invalid_json', `header is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(header)) throw new SafetensorsError('invalid_header', 'header must be a JSON object');
  const data = bytes.subarray(8 + hlen);
  const meta: Array<[string, string]> = [];
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isObject(info)) throw new SafetensorsError('invalid_metadata', '__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(info)) {
        if (typeof v !== 'string') throw new SafetensorsError('invalid_metadata', `__metadata__ value of '${k}' is not a string`);
        meta.push([k, v]);
      }
      continue;
    }
    entries.push(parseEntry(name, info, data.length));
  }
  // Tensors must tile the data section: no shared bytes, no holes, nothing after the last one.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: string | undefined;
  for (const e of sorted) {
    if (e.begin < pos) throw new SafetensorsError('overlapping', `bytes [${e.begin}, ${e.end}) overlap those of '${prev}'`, e.name);
    if (e.begin > pos) throw new SafetensorsError('gap', `bytes [${pos}, ${e.begin}) before it belong to no tensor`, e.name);
    pos = e.end;
    prev = e.name;
  }
  if (pos !== data.length) throw new SafetensorsError('gap', `${data.length - pos} bytes after the last tensor belong to no tensor`);
  return { entries, metadata: Object.fromEntries(meta), data };
}

/**
 * Reads a safetensors file (e.g. written by PyTorch's `safetensors.torch.save_file`) into tfjs
 * tensors, with its `__metadata__`. Floats (F32, F64, F16, BF16) become float32; integers
 * (I64, I32, I16, I8, U64, U32, U16, U8) become int32, and a 64-bit value that does not fit is
 * an error; BOOL becomes bool. Every field is validated before any tensor is allocated; any
 * problem raises {@link SafetensorsError} naming the tensor. The tensors belong to the caller.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = readSafetensors(await (await fetch('lenet.safetensors')).arrayBuffer());
 * tensors['conv1.weight'].shape; // [6, 1, 5, 5]
 * ```
 */
export function readSafetensors(input: Uint8Array | ArrayBuffer, opts: ReadSafetensorsOptions = {}): SafetensorsContents {
  if (opts.file === undefined) return readUnnamed(input, opts);
  try {
    return readUnnamed(input, opts);
  } catch (e) {
    if (e instanceof SafetensorsError && e.file === '<bytes>') {
      const prefix = e.tensor !== undefined ? `tensor '${e.tensor}': ` : '';
      throw new SafetensorsError(e.kind, e.reason.slice(prefix.length), e.tensor, opts.file);
    }
    throw e;
  }
}

function readUnnamed(input: Uint8Array | ArrayBuffer, opts: ReadSafetensorsOptions): SafetensorsContents {
  const bytes = asBytes(input);
  const { entries, metadata, data } = parseHeader(bytes, opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER);
  const made: Array<[string, Tensor]> = [];
  try {
    for (const e of entries) {
      const { values, dtype } = decode(e.dtype, data.subarray(e.begin, e.end), e.name);
      made.push([e.name, tensor(values, e.shape, dtype)]);
    }
  } catch (err) {
    for (const [, t] of made) t.dispose();
    throw err;
  }
  // fromEntries defines own properties, so a key such as '__proto__' cannot touch the prototype.
  return { tensors: Object.fromEntries(made), metadata };
}

/**
 * Reads a safetensors file into a `Record<string, Tensor>` that goes straight into
 * `module.loadStateDict` (see {@link readSafetensors} for dtypes and validation).
 * Dispose the tensors after loading: `loadStateDict` copies them.
 *
 * @example
 * ```ts
 * const dict = loadSafetensors(readFileSync('lenet.safetensors'));
 * model.loadStateDict(dict);             // strict: every key must match
 * Object.values(dict).forEach((t) => t.dispose());
 * ```
 */
export function loadSafetensors(input: Uint8Array | ArrayBuffer, opts: ReadSafetensorsOptions = {}): Record<string, Tensor> {
  return readSafetensors(input, opts).tensors;
}
