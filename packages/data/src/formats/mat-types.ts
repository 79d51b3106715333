import { EegFormatError } from './errors.js';

/** MATLAB numeric classes (plus `logical`). */
export type MatNumericClass =
  | 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'logical';

/** Typed array holding a MATLAB numeric array (64-bit integers as BigInt arrays). */
export type MatTypedArray =
  | Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;

/** A numeric or logical array: `data` is column-major (MATLAB order) with `dims` as in MATLAB. */
export interface MatNumeric {
  class: MatNumericClass;
  dims: number[];
  data: MatTypedArray;
  /** Imaginary part of a complex array (same type and layout as `data`). */
  imag?: MatTypedArray;
}

/** A char array: `text` has one string per row (a 1×N char array gives one string). */
export interface MatChar {
  class: 'char';
  dims: number[];
  text: string[];
}

/** A cell array: `data` holds the cells in column-major order. */
export interface MatCell {
  class: 'cell';
  dims: number[];
  data: MatValue[];
}

/** A struct (array): one record of fields per element, column-major. */
export interface MatStruct {
  class: 'struct';
  dims: number[];
  fields: string[];
  data: Record<string, MatValue>[];
  /** Class name for MATLAB objects (mxOBJECT_CLASS), else absent. */
  className?: string;
}

/** A sparse matrix in compressed-sparse-column form (MATLAB's own layout). */
export interface MatSparse {
  class: 'sparse';
  dims: number[];
  /** Row index of each non-zero. */
  ir: Int32Array;
  /** Column start offsets (length cols + 1). */
  jc: Int32Array;
  data: Float64Array;
  imag?: Float64Array;
  logical: boolean;
}

/** An element this reader does not decode (function handles, opaque objects): kept by name. */
export interface MatUnsupported {
  class: 'unsupported';
  dims: number[];
  /** MATLAB class code (mxCLASS). */
  classCode: number;
}

/** Any value read from a MAT file. */
export type MatValue = MatNumeric | MatChar | MatCell | MatStruct | MatSparse | MatUnsupported;

/** Variables of a MAT file by name (a prototype-free record). */
export interface MatFile {
  /** 116-byte descriptive text of the header. */
  header: string;
  /** 5 for v5–v7 (this reader), 73 for v7.3 (HDF5). */
  version: 5 | 73;
  variables: Record<string, MatValue>;
}

/**
 * Converts a column-major array (MATLAB layout) with MATLAB `dims` to row-major (C order) data of
 * the same type and shape — what numpy's `loadmat` shows. Returns a copy.
 *
 * @example
 * ```ts
 * const { data, shape } = matToRowMajor(file.variables.data as MatNumeric); // shape [1000, 3, 120]
 * ```
 */
export function matToRowMajor<T extends MatTypedArray>(arr: { data: T; dims: number[] }): { data: T; shape: number[] } {
  const dims = arr.dims;
  const n = dims.reduce((a, b) => a * b, 1);
  const src = arr.data;
  const Ctor = src.constructor as new (n: number) => T;
  const out = new Ctor(n);
  const nd = dims.length;
  if (nd <= 1 || n === 0) {
    (out as { set(a: ArrayLike<number | bigint>): void }).set(src as ArrayLike<number | bigint>);
    return { data: out, shape: dims.slice() };
  }
  // Row-major strides of the output; iterate the source in column-major order.
  const rs = new Array<number>(nd);
  rs[nd - 1] = 1;
  for (let k = nd - 2; k >= 0; k--) rs[k] = rs[k + 1]! * dims[k + 1]!;
  const idx = new Array<number>(nd).fill(0);
  let dst = 0;
  const s = src as unknown as { [i: number]: number };
  const o = out as unknown as { [i: number]: number };
  const d0 = dims[0]!;
  const r0 = rs[0]!;
  for (let i = 0; i < n; i += d0) {
    for (let a = 0; a < d0; a++) o[dst + a * r0] = s[i + a]!;
    // advance indices 1..nd-1
    for (let k = 1; k < nd; k++) {
      idx[k]!++;
      dst += rs[k]!;
      if (idx[k]! < dims[k]!) break;
      dst -= rs[k]! * dims[k]!;
      idx[k] = 0;
    }
  }
  return { data: out, shape: dims.slice() };
}

/**
 * Gets a variable by name, throwing a clear error listing the available names.
 *
 * @example
 * ```ts
 * const data = matGet(file, 'data', 'numeric');
 * ```
 */
export function matGet(file: MatFile, name: string, kind: 'numeric'): MatNumeric;
export function matGet(file: MatFile, name: string): MatValue;
export function matGet(file: MatFile, name: string, kind?: 'numeric'): MatValue {
  const v = file.variables[name];
  if (!v) throw new EegFormatError(file.version === 73 ? 'mat73' : 'mat5', undefined, `no variable '${name}' (has: ${Object.keys(file.variables).join(', ')})`);
  if (kind === 'numeric' && !isMatNumeric(v)) {
    throw new EegFormatError(file.version === 73 ? 'mat73' : 'mat5', undefined, `variable '${name}' is ${v.class}, expected a numeric array`);
  }
  return v;
}

/**
 * True for numeric and logical arrays.
 *
 * @example
 * ```ts
 * if (isMatNumeric(v)) console.log(v.data.length);
 * ```
 */
export function isMatNumeric(v: MatValue): v is MatNumeric {
  return v.class !== 'char' && v.class !== 'cell' && v.class !== 'struct' && v.class !== 'sparse' && v.class !== 'unsupported';
}

/**
 * Numeric array data as float64 numbers (64-bit integers converted with `Number`).
 *
 * @example
 * ```ts
 * const labels = matToFloat64(matGet(file, 'label', 'numeric'));
 * ```
 */
export function matToFloat64(v: MatNumeric): Float64Array {
  const d = v.data;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Float64Array.from(d, (x) => Number(x));
  return d instanceof Float64Array ? d : Float64Array.from(d);
}
