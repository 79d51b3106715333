import { ByteReader, asBytes, latin1, type BytesLike, type ReadOptions } from './bytes.js';
import { DEFAULT_MAX_INFLATED_BYTES, inflateBounded, inflatePrefix } from './inflate.js';
import type { MatFile, MatNumericClass, MatTypedArray, MatValue } from './mat-types.js';

/** Options of {@link readMat5}. */
export interface Mat5ReadOptions extends ReadOptions {
  /**
   * Cap on the inflated size of one compressed variable. Default: 64 × its compressed size, at
   * least 64 MiB and at most 1 GiB (a zlib bomb fails fast with a clear error; raise the cap for
   * a file that really holds, say, a large all-zeros array).
   */
  maxInflatedBytes?: number;
  /** Only decode these variables (others are skipped without inflating them). */
  variables?: readonly string[];
  /**
   * zlib inflater used for compressed variables; must throw when the output would exceed
   * `maxBytes`. Default: `fflate` in bounded chunks (browser-safe); {@link readMat5File} passes
   * Node's native `zlib.inflateSync` with `maxOutputLength` (about 2× faster).
   */
  inflate?: (zlib: Uint8Array, maxBytes: number) => Uint8Array;
}

type Ctor = { new (n: number): MatTypedArray; new (b: ArrayBuffer, o: number, n: number): MatTypedArray; BYTES_PER_ELEMENT: number };
/** miTYPE → typed array constructor. */
const MI: Record<number, Ctor> = {
  1: Int8Array, 2: Uint8Array, 3: Int16Array, 4: Uint16Array, 5: Int32Array, 6: Uint32Array,
  7: Float32Array, 9: Float64Array, 12: BigInt64Array, 13: BigUint64Array, 16: Uint8Array, 17: Uint16Array, 18: Uint32Array,
} as unknown as Record<number, Ctor>;
/** mxCLASS → numeric class and typed array constructor. */
const CLASSES: Record<number, [MatNumericClass, Ctor]> = {
  6: ['double', Float64Array], 7: ['single', Float32Array], 8: ['int8', Int8Array], 9: ['uint8', Uint8Array],
  10: ['int16', Int16Array], 11: ['uint16', Uint16Array], 12: ['int32', Int32Array], 13: ['uint32', Uint32Array],
  14: ['int64', BigInt64Array], 15: ['uint64', BigUint64Array],
} as unknown as Record<number, [MatNumericClass, Ctor]>;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
const MAX_DEPTH = 64;
/** deflate's best compression ratio (about 1032:1): a larger inflated size is corrupt or a bomb. */
const MAX_DEFLATE_RATIO = 1032;
/**
 * Most elements an array may declare without data to back them (0-column char arrays, structs
 * with no fields): each costs memory in the result though the file holds nothing for it.
 */
const MAX_EMPTY_ELEMENTS = 1 << 16;
const hostLittle = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Default cap on one compressed element's inflated size: {@link DEFAULT_INFLATE_RATIO} times its
 * compressed size, at least {@link DEFAULT_MIN_INFLATE_CAP}, at most {@link DEFAULT_MAX_INFLATED_BYTES}.
 * Real data compresses a few times; a larger claim needs an explicit `maxInflatedBytes`.
 */
function defaultInflateCap(compressed: number): number {
  return Math.min(DEFAULT_MAX_INFLATED_BYTES, Math.max(DEFAULT_MIN_INFLATE_CAP, compressed * DEFAULT_INFLATE_RATIO));
}
/** See {@link defaultInflateCap}. */
const DEFAULT_INFLATE_RATIO = 64;
/** See {@link defaultInflateCap}. */
const DEFAULT_MIN_INFLATE_CAP = 64 << 20;

interface Element { type: number; start: number; size: number; next: number }

class Mat5Parser {
  readonly r: ByteReader;
  constructor(bytes: Uint8Array, littleEndian: boolean, readonly opts: Mat5ReadOptions) {
    this.r = new ByteReader(bytes, 'mat5', opts.file, littleEndian);
  }

  /** Reads the tag at `p` (normal or small data element format). */
  tag(p: number, end: number): Element {
    if (p + 8 > end) this.r.fail(`data element tag at byte ${p} runs past the end of its container (${end})`);
    const first = this.r.u32(p);
    const small = first >>> 16;
    if (small !== 0) {
      if (small > 4) this.r.fail(`small data element at byte ${p} claims ${small} bytes (max 4)`);
      return { type: first & 0xffff, start: p + 4, size: small, next: p + 8 };
    }
    const size = this.r.u32(p + 4);
    const start = p + 8;
    if (start + size > end) this.r.fail(`data element at byte ${p} (type ${first}) declares ${size} bytes, only ${end - start} remain (truncated or corrupt)`);
    const next = first === MI_COMPRESSED ? start + size : start + Math.ceil(size / 8) * 8;
    return { type: first, start, size, next: Math.min(next, end) };
  }

  /** Typed array of the element's payload in its stored mi type (copied, host byte order). */
  typed(e: Element, what: string): MatTypedArray {
    const C = MI[e.type];
    if (!C) this.r.fail(`${what}: unknown data type ${e.type}`);
    const w = C.BYTES_PER_ELEMENT;
    if (e.size % w !== 0) this.r.fail(`${what}: ${e.size} bytes is not a whole number of ${w}-byte values`);
    const n = e.size / w;
    const b = this.r.bytes;
    const copy = b.slice(e.start, e.start + e.size);
    if (w > 1 && this.r.littleEndian !== hostLittle) {
      for (let i = 0; i < copy.length; i += w) copy.subarray(i, i + w).reverse();
    }
    return new C(copy.buffer, 0, n);
  }

  int32s(e: Element, what: string): number[] {
    const t = this.typed(e, what);
    return Array.from(t as ArrayLike<number | bigint>, (x) => Number(x));
  }

  /** Parses a top-level element: returns [name, value] or undefined when skipped. */
  top(p: number, end: number, wanted: ReadonlySet<string> | undefined): { next: number; name?: string; value?: MatValue } {
    const e = this.tag(p, end);
    if (e.type === MI_COMPRESSED) {
      const z = this.r.bytes.subarray(e.start, e.start + e.size);
      const max = this.opts.maxInflatedBytes ?? defaultInflateCap(z.length);
      // The inflated bytes are one data element: its tag says how many bytes it holds. Inflate
      // only that much, after checking the claim against the cap and deflate's best ratio.
      const head = inflatePrefix(z, 8, 'mat5', this.opts.file);
      if (head.length < 8) this.r.fail(`compressed element at byte ${p}: inflates to ${head.length} bytes, less than one data element tag`);
      const hr = new ByteReader(head, 'mat5', this.opts.file, this.r.littleEndian);
      const first = hr.u32(0);
      const declared = first >>> 16 !== 0 ? 8 : 8 + Math.ceil(hr.u32(4) / 8) * 8;
      if (declared > max) {
        this.r.fail(`compressed element at byte ${p} declares an inner element of ${declared} bytes, over the cap of ${max} (maxInflatedBytes)`);
      }
      if (declared > z.length * MAX_DEFLATE_RATIO + 1024) {
        this.r.fail(`compressed element at byte ${p}: ${z.length} compressed bytes cannot inflate to the ${declared} bytes its inner element declares (corrupt or a zlib bomb)`);
      }
      let inner: Uint8Array;
      if (this.opts.inflate) {
        try {
          inner = this.opts.inflate(z, declared);
        } catch (err) {
          this.r.fail(`compressed element at byte ${p}: ${(err as Error).message} (corrupt, truncated, or inflates past the ${declared} bytes its inner element declares)`);
        }
      } else {
        inner = inflateBounded(z, declared, 'mat5', this.opts.file);
      }
      const sub = new Mat5Parser(inner, this.r.littleEndian, this.opts);
      const res = sub.top(0, inner.length, wanted);
      return { ...res, next: e.next };
    }
    if (e.type !== MI_MATRIX) return { next: e.next };
    if (wanted) {
      const name = this.peekName(e);
      if (name !== undefined && !wanted.has(name)) return { next: e.next };
    }
    const { name, value } = this.matrix(e, 0);
    return { next: e.next, name, value };
  }

  peekName(e: Element): string | undefined {
    try {
      const flags = this.tag(e.start, e.start + e.size);
      const dims = this.tag(flags.next, e.start + e.size);
      const nm = this.tag(dims.next, e.start + e.size);
      return latin1(this.r.bytes, nm.start, nm.start + nm.size);
    } catch {
      return undefined;
    }
  }

  /** Parses an miMATRIX element. */
  matrix(e: Element, depth: number): { name: string; value: MatValue } {
    if (depth > MAX_DEPTH) this.r.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    const end = e.start + e.size;
    if (e.size === 0) return { name: '', value: { class: 'double', dims: [0, 0], data: new Float64Array(0) } };
    const fl = this.tag(e.start, end);
    if (fl.size < 8) this.r.fail(`array flags at byte ${e.start} are ${fl.size} bytes, expected 8`);
    const f0 = this.r.u32(fl.start);
    const nzmax = this.r.u32(fl.start + 4);
    const cls = f0 & 0xff;
    const complex = (f0 & 0x800) !== 0;
    const logical = (f0 & 0x200) !== 0;
    const dt = this.tag(fl.next, end);
    const dims = this.int32s(dt, 'dimensions');
    if (dims.length < 2 && cls !== 16) this.r.fail(`array has ${dims.length} dimensions, expected at least 2`);
    if (dims.some((d) => !Number.isInteger(d) || d < 0)) this.r.fail(`negative dimension in [${dims.join(', ')}]`);
    const count = dims.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(count)) this.r.fail(`dimensions [${dims.join(', ')}] give more elements than can be addressed`);
    const nt = this.tag(dt.next, end);
    const name = latin1(this.r.bytes, nt.start, nt.start + nt.size);
    let p = nt.next;
    const where = `variable '${name}'`;
    const numeric = CLASSES[cls];
    if (numeric) {
      const [klass, C] = numeric;
      const re = this.tag(p, end);
      const real = this.convert(this.typed(re, where), C, count, where);
      const out: MatValue = { class: logical ? 'logical' : klass, dims, data: real };
      if (complex) out.imag = this.convert(this.typed(this.tag(re.next, end), `${where} (imaginary part)`), C, count, where);
      return { name, value: out };
    }
    switch (cls) {
      case 4: {
        const ce = this.tag(p, end);
        const codes = ce.type === 16 ? new TextDecoder().decode(this.r.bytes.subarray(ce.start, ce.start + ce.size)) : '';
        const t = ce.type === 16 ? Array.from(codes, (c) => c.codePointAt(0)!) : Array.from(this.typed(ce, where) as ArrayLike<number | bigint>, Number);
        if (ce.type !== 16 && t.length !== count) this.r.fail(`${where}: char data has ${t.length} values, dims [${dims.join(', ')}] need ${count}`);
        const rows = dims[0] ?? 0;
        const cols = rows === 0 ? 0 : Math.ceil(t.length / rows);
        if (cols === 0 && rows > MAX_EMPTY_ELEMENTS) this.r.fail(`${where}: char array of dims [${dims.join(', ')}] declares ${rows} empty rows with no data (at most ${MAX_EMPTY_ELEMENTS})`);
        const bad = t.find((c) => !Number.isInteger(c) || c < 0 || c > 0x10ffff);
        if (bad !== undefined) this.r.fail(`${where}: char data holds ${bad}, which is not a Unicode code point`);
        const text: string[] = [];
        for (let i = 0; i < rows; i++) {
          let s = '';
          for (let j = 0; j < cols; j++) s += String.fromCodePoint(t[i + j * rows] ?? 32);
          text.push(s);
        }
        return { name, value: { class: 'char', dims, text } };
      }
      case 1: {
        if (count * 8 > end - p) this.r.fail(`${where}: cell of ${count} elements cannot fit in ${end - p} bytes`);
        const data: MatValue[] = [];
        for (let i = 0; i < count; i++) {
          const ce = this.tag(p, end);
          if (ce.type !== MI_MATRIX) this.r.fail(`${where}: cell element ${i} is not a matrix (type ${ce.type})`);
          data.push(this.matrix(ce, depth + 1).value);
          p = ce.next;
        }
        return { name, value: { class: 'cell', dims, data } };
      }
      case 2:
      case 3: {
        let className: string | undefined;
        if (cls === 3) {
          const cn = this.tag(p, end);
          className = latin1(this.r.bytes, cn.start, cn.start + cn.size);
          p = cn.next;
        }
        const lenE = this.tag(p, end);
        const fieldLen = this.int32s(lenE, `${where} field name length`)[0] ?? 0;
        const namesE = this.tag(lenE.next, end);
        if (fieldLen <= 0 && namesE.size > 0) this.r.fail(`${where}: field name length ${fieldLen} is invalid`);
        const nf = fieldLen > 0 ? Math.floor(namesE.size / fieldLen) : 0;
        const fields: string[] = [];
        for (let k = 0; k < nf; k++) {
          const s = namesE.start + k * fieldLen;
          fields.push(latin1(this.r.bytes, s, s + fieldLen).replace(/\0.*$/su, ''));
        }
        p = namesE.next;
        if (count * nf * 8 > end - p) this.r.fail(`${where}: struct of ${count}×${nf} fields cannot fit in ${end - p} bytes`);
        if (nf === 0 && count > MAX_EMPTY_ELEMENTS) this.r.fail(`${where}: struct array of dims [${dims.join(', ')}] has no fields but declares ${count} elements (at most ${MAX_EMPTY_ELEMENTS})`);
        const data: Record<string, MatValue>[] = [];
        for (let i = 0; i < count; i++) {
          const rec: Record<string, MatValue> = Object.create(null) as Record<string, MatValue>;
          for (const f of fields) {
            const fe = this.tag(p, end);
            if (fe.type !== MI_MATRIX) this.r.fail(`${where}: field '${f}' is not a matrix (type ${fe.type})`);
            rec[f] = this.matrix(fe, depth + 1).value;
            p = fe.next;
          }
          data.push(rec);
        }
        const value: MatValue = { class: 'struct', dims, fields, data };
        if (className !== undefined) value.className = className;
        return { name, value };
      }
      case 5: {
        const irE = this.tag(p, end);
        const jcE = this.tag(irE.next, end);
        const prE = this.tag(jcE.next, end);
        const ir = Int32Array.from(this.typed(irE, where) as ArrayLike<number>);
        const jc = Int32Array.from(this.typed(jcE, where) as ArrayLike<number>);
        const cols = dims[1] ?? 0;
        if (jc.length !== cols + 1) this.r.fail(`${where}: sparse jc has ${jc.length} entries, expected ${cols + 1}`);
        const nnz = jc[cols] ?? 0;
        if (nnz > ir.length || nnz > nzmax) this.r.fail(`${where}: sparse matrix claims ${nnz} non-zeros, has ${ir.length}`);
        const pr = this.convert(this.typed(prE, where), Float64Array as unknown as Ctor, nnz, where, true) as Float64Array;
        const value: MatValue = { class: 'sparse', dims, ir: ir.subarray(0, nnz), jc, data: pr.subarray(0, nnz), logical };
        if (complex) value.imag = (this.convert(this.typed(this.tag(prE.next, end), where), Float64Array as unknown as Ctor, nnz, where, true) as Float64Array).subarray(0, nnz);
        return { name, value };
      }
      default:
        return { name, value: { class: 'unsupported', dims, classCode: cls } };
    }
  }

  /** Converts stored values to the class's typed array, checking the element count. */
  convert(src: MatTypedArray, C: Ctor, count: number, where: string, atLeast = false): MatTypedArray {
    if (atLeast ? src.length < count : src.length !== count) {
      this.r.fail(`${where}: data has ${src.length} values, dimensions need ${count}`);
    }
    if (src.constructor === C) return src;
    const out = new C(src.length);
    const srcBig = src instanceof BigInt64Array || src instanceof BigUint64Array;
    const dstBig = out instanceof BigInt64Array || out instanceof BigUint64Array;
    if (srcBig === dstBig) (out as { set(a: ArrayLike<number | bigint>): void }).set(src as ArrayLike<number | bigint>);
    else if (dstBig) for (let i = 0; i < src.length; i++) (out as BigInt64Array)[i] = BigInt(Math.trunc(Number(src[i])));
    else for (let i = 0; i < src.length; i++) (out as Float64Array)[i] = Number(src[i]);
    return out;
  }
}

/**
 * Reads a MATLAB MAT-file of level 5 (MATLAB v5, v6, v7 incl. compressed `-v7`), from bytes.
 *
 * Supports numeric arrays of every class (double, single, int8…int64, uint8…uint64, logical),
 * complex arrays (`imag`), compressed variables (zlib via `fflate`, size-capped), the small data
 * element format, char, cell, struct (and struct arrays, objects' fields) and sparse matrices.
 * Arrays keep MATLAB's column-major order; see {@link matToRowMajor}. For v7.3 (HDF5) files use
 * {@link readMat73} or {@link readMat}.
 *
 * @throws EegFormatError on a wrong header, v4/v7.3 files, truncated or inconsistent elements
 * @example
 * ```ts
 * const mat = readMat5(bytes, { file: 'B0101T.mat' });
 * const x = matGet(mat, 'data', 'numeric'); // dims [1000, 3, 120], Float64Array
 * ```
 */
export function readMat5(bytes: BytesLike, opts: Mat5ReadOptions = {}): MatFile {
  const u8 = asBytes(bytes);
  const probe = new ByteReader(u8, 'mat5', opts.file);
  if (u8.length < 128) probe.fail(`header needs 128 bytes, file has ${u8.length} (truncated or not a MAT file)`);
  const header = probe.text(0, 116);
  const endian = latin1(u8, 126, 128);
  if (endian !== 'IM' && endian !== 'MI') probe.fail(`not a MAT v5 file: endian indicator is '${endian}' (MAT v4 files are not supported)`);
  const little = endian === 'IM';
  const version = little ? u8[124]! | (u8[125]! << 8) : (u8[124]! << 8) | u8[125]!;
  if (version === 0x0200 || header.startsWith('MATLAB 7.3')) probe.fail('this is a MAT v7.3 (HDF5) file: use readMat73 / readMat');
  if (version !== 0x0100) probe.fail(`unsupported MAT version 0x${version.toString(16)}`);
  const parser = new Mat5Parser(u8, little, opts);
  const variables: Record<string, MatValue> = Object.create(null) as Record<string, MatValue>;
  const wanted = opts.variables ? new Set(opts.variables) : undefined;
  let p = 128;
  while (p + 8 <= u8.length) {
    const res = parser.top(p, u8.length, wanted);
    if (res.name !== undefined && res.value) variables[res.name] = res.value;
    if (res.next <= p) break;
    p = res.next;
  }
  return { header, version: 5, variables };
}
