import { asBytes, latin1, type BytesLike, type ReadOptions } from './bytes.js';
import { EegFormatError } from './errors.js';
import type { MatFile, MatNumericClass, MatTypedArray, MatValue } from './mat-types.js';

type H5 = typeof import('h5wasm');
type H5Group = InstanceType<H5['Group']>;
type H5Dataset = InstanceType<H5['Dataset']>;
type H5Entity = ReturnType<H5Group['get']>;

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const NUMERIC: ReadonlySet<string> = new Set(['double', 'single', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'logical']);
let counter = 0;
let h5promise: Promise<H5> | undefined;

/** Loads h5wasm on first use (an optional peer dependency; only paid for when a v7.3 file is read). */
async function loadH5(file: string | undefined): Promise<H5> {
  h5promise ??= import('h5wasm').then(async (m) => {
    await m.ready;
    return m;
  });
  try {
    return await h5promise;
  } catch (e) {
    h5promise = undefined;
    throw new EegFormatError('mat73', file, `MAT v7.3 needs the optional dependency 'h5wasm' (npm i h5wasm): ${(e as Error).message}`);
  }
}

function hasHdf5Magic(u8: Uint8Array): boolean {
  for (let off = 0; off + 8 <= u8.length && off <= 1 << 16; off = off === 0 ? 512 : off * 2) {
    if (HDF5_MAGIC.every((b, i) => u8[off + i] === b)) return true;
  }
  return false;
}

function attr(e: { attrs: Record<string, { value: unknown }> }, name: string): unknown {
  const a = e.attrs[name];
  return a ? a.value : undefined;
}

function convert(h5: H5, e: H5Entity, depth: number, file: string | undefined): MatValue {
  if (depth > 64) throw new EegFormatError('mat73', file, 'nesting deeper than 64 levels');
  if (e instanceof h5.Group) {
    const cls = String(attr(e, 'MATLAB_class') ?? 'struct');
    const fields = e.keys().filter((k) => k !== '#refs#' && k !== '#subsystem#');
    const rec: Record<string, MatValue> = Object.create(null) as Record<string, MatValue>;
    for (const f of fields) rec[f] = convert(h5, e.get(f), depth + 1, file);
    const value: MatValue = { class: 'struct', dims: [1, 1], fields, data: [rec] };
    if (cls !== 'struct') value.className = cls;
    return value;
  }
  if (!(e instanceof h5.Dataset)) return { class: 'unsupported', dims: [0, 0], classCode: -1 };
  const ds = e as H5Dataset;
  const cls = String(attr(ds, 'MATLAB_class') ?? '');
  const shape = ds.shape ?? [];
  let dims = shape.slice().reverse();
  if (dims.length === 1) dims = [dims[0]!, 1];
  if (dims.length === 0) dims = [1, 1];
  if (attr(ds, 'MATLAB_empty') !== undefined && Number(attr(ds, 'MATLAB_empty')) !== 0) {
    const d = ds.value;
    const ed = ArrayBuffer.isView(d) ? Array.from(d as ArrayLike<number | bigint>, Number) : [0, 0];
    if (cls === 'char') return { class: 'char', dims: ed, text: [] };
    return { class: NUMERIC.has(cls) ? (cls as MatNumericClass) : 'double', dims: ed, data: new Float64Array(0) };
  }
  const value = ds.value;
  if (cls === 'char') {
    const codes = ArrayBuffer.isView(value) ? Array.from(value as ArrayLike<number>) : [];
    const rows = dims[0] ?? 0;
    const cols = rows === 0 ? 0 : codes.length / rows;
    const text: string[] = [];
    for (let i = 0; i < rows; i++) {
      let s = '';
      for (let j = 0; j < cols; j++) s += String.fromCharCode(codes[i + j * rows]!);
      text.push(s);
    }
    return { class: 'char', dims, text };
  }
  if (cls === 'cell' && Array.isArray(value)) {
    const data = value.map((ref) => {
      const target = ds.dereference(ref as InstanceType<H5['Reference']>);
      return convert(h5, target as unknown as H5Entity, depth + 1, file);
    });
    return { class: 'cell', dims, data };
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const klass: MatNumericClass = NUMERIC.has(cls) ? (cls as MatNumericClass) : 'double';
    let data = value as MatTypedArray;
    if (klass === 'logical' && !(data instanceof Uint8Array)) data = Uint8Array.from(data as ArrayLike<number>);
    return { class: klass, dims, data };
  }
  if (typeof value === 'number') return { class: 'double', dims: [1, 1], data: new Float64Array([value]) };
  return { class: 'unsupported', dims, classCode: -1 };
}

/**
 * Reads a MATLAB v7.3 MAT-file (HDF5 with a 512-byte MATLAB header) using the HDF5 library
 * `h5wasm`, loaded lazily on first use. Numeric/logical datasets become {@link MatNumeric} with
 * MATLAB `dims` (HDF5 stores the transposed array, so `data` is already column-major), char arrays
 * become text, groups become structs (1×1), cells are followed through their references.
 *
 * @throws EegFormatError when the bytes are not HDF5, h5wasm is missing or HDF5 fails to parse
 * @example
 * ```ts
 * const mat = await readMat73(bytes, { file: 'big.mat' });
 * matGet(mat, 'X', 'numeric').dims; // [rows, cols]
 * ```
 */
export async function readMat73(bytes: BytesLike, opts: ReadOptions = {}): Promise<MatFile> {
  const u8 = asBytes(bytes);
  if (!hasHdf5Magic(u8)) throw new EegFormatError('mat73', opts.file, 'not an HDF5 / MAT v7.3 file (no HDF5 signature at 0, 512, 1024, …)');
  const h5 = await loadH5(opts.file);
  const fs = h5.FS as unknown as { writeFile(p: string, d: Uint8Array): void; unlink(p: string): void };
  const tmp = `/nnkit-mat73-${++counter}.h5`;
  fs.writeFile(tmp, u8);
  let f: InstanceType<H5['File']> | undefined;
  try {
    f = new h5.File(tmp, 'r');
    const variables: Record<string, MatValue> = Object.create(null) as Record<string, MatValue>;
    for (const k of f.keys()) {
      if (k === '#refs#' || k === '#subsystem#') continue;
      variables[k] = convert(h5, f.get(k), 0, opts.file);
    }
    return { header: latin1(u8, 0, Math.min(116, u8.length)).replace(/[\s\0]+$/u, ''), version: 73, variables };
  } catch (e) {
    if (e instanceof EegFormatError) throw e;
    throw new EegFormatError('mat73', opts.file, `HDF5 error: ${(e as Error).message ?? String(e)}`);
  } finally {
    try {
      f?.close();
    } finally {
      fs.unlink(tmp);
    }
  }
}
