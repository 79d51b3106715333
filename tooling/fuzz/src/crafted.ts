// Hand-made hostile inputs: huge, negative and zero counts and dimensions, lengths past the end,
// zlib bombs, deep nesting. Each is a named file so that errors can be traced to it.
import { constants, deflateRawSync } from 'node:zlib';
import { concat } from './mutator.js';

type Input = Record<string, Uint8Array>;
const enc = new TextEncoder();
const HUGE = ['-1', '0', '99999999', '-99999999', '1e308', 'NaN', '2147483648', '9007199254740993', '0.5'];

/** An EDF header of `ns` signals with the given text fields (8-char fields padded). */
function edf(fields: { ns?: string; records?: string; duration?: string; headerBytes?: string; spr?: string; dmin?: string; dmax?: string }, data = 0): Uint8Array {
  const ns = Number(fields.ns ?? '2');
  const n = Number.isInteger(ns) && ns >= 0 && ns < 64 ? ns : 2;
  const b = new Uint8Array(256 * (n + 1) + data).fill(32);
  const put = (o: number, w: number, s: string): void => b.set(enc.encode(s.slice(0, w).padEnd(w, ' ')), o);
  put(0, 8, '0');
  put(184, 8, fields.headerBytes ?? String(256 * (n + 1)));
  put(236, 8, fields.records ?? '1');
  put(244, 8, fields.duration ?? '1');
  put(252, 4, fields.ns ?? '2');
  for (let i = 0; i < n; i++) {
    put(256 + i * 16, 16, `ch${i}`);
    put(256 + 104 * n + i * 8, 8, '-100');
    put(256 + 112 * n + i * 8, 8, '100');
    put(256 + 120 * n + i * 8, 8, fields.dmin ?? '-32768');
    put(256 + 128 * n + i * 8, 8, fields.dmax ?? '32767');
    put(256 + 216 * n + i * 8, 8, fields.spr ?? '4');
  }
  return b;
}

/** Crafted EDF headers. */
export function craftEdf(): Input[] {
  const out: Input[] = [];
  for (const v of HUGE) {
    out.push({ [`edf-ns-${v}.edf`]: edf({ ns: v }) });
    out.push({ [`edf-records-${v}.edf`]: edf({ records: v }, 16) });
    out.push({ [`edf-spr-${v}.edf`]: edf({ spr: v }, 16) });
    out.push({ [`edf-duration-${v}.edf`]: edf({ duration: v }, 16) });
    out.push({ [`edf-header-${v}.edf`]: edf({ headerBytes: v }) });
  }
  out.push({ 'edf-zero-spr-many-records.edf': edf({ spr: '0', records: '99999999' }) });
  out.push({ 'edf-dmin-eq-dmax.edf': edf({ dmin: '5', dmax: '5' }, 16) });
  out.push({ 'edf-empty.edf': new Uint8Array(0) });
  return out;
}

/** A GDF 2.20 header of `ns` channels; `set` edits it further. */
function gdf(ns: number, set: (v: DataView) => void, extra = 0): Uint8Array {
  const b = new Uint8Array(256 * (ns + 1) + extra);
  const v = new DataView(b.buffer);
  b.set(enc.encode('GDF 2.20'));
  v.setUint16(184, ns + 1, true);
  v.setBigInt64(236, 1n, true);
  v.setFloat64(244, 1, true);
  v.setUint16(252, ns, true);
  for (let i = 0; i < ns; i++) {
    v.setFloat64(256 + 104 * ns + 8 * i, -1, true);
    v.setFloat64(256 + 112 * ns + 8 * i, 1, true);
    v.setFloat64(256 + 120 * ns + 8 * i, -1, true);
    v.setFloat64(256 + 128 * ns + 8 * i, 1, true);
    v.setUint32(256 + 216 * ns + 4 * i, 2, true);
    v.setUint32(256 + 220 * ns + 4 * i, 16, true);
  }
  set(v);
  return b;
}

/** Crafted GDF headers. */
export function craftGdf(): Input[] {
  const ns = 2;
  const spr = (x: number) => (v: DataView) => { for (let i = 0; i < ns; i++) v.setUint32(256 + 216 * ns + 4 * i, x, true); };
  const out: Input[] = [
    { 'gdf-zero-spr-2^50-records.gdf': gdf(ns, (v) => { spr(0)(v); v.setBigInt64(236, 2n ** 50n, true); }) },
    { 'gdf-records-minus-2.gdf': gdf(ns, (v) => v.setBigInt64(236, -2n, true), 16) },
    { 'gdf-records-2^63.gdf': gdf(ns, (v) => v.setBigInt64(236, 2n ** 63n - 1n, true), 16) },
    { 'gdf-spr-2^32-1.gdf': gdf(ns, spr(0xffffffff), 16) },
    { 'gdf-ns-65535.gdf': gdf(ns, (v) => v.setUint16(252, 65535, true)) },
    { 'gdf-header-len-0.gdf': gdf(ns, (v) => v.setUint16(184, 0, true)) },
    { 'gdf-header-len-max.gdf': gdf(ns, (v) => v.setUint16(184, 65535, true)) },
    { 'gdf-duration-nan.gdf': gdf(ns, (v) => v.setFloat64(244, Number.NaN, true), 16) },
    { 'gdf-duration-neg.gdf': gdf(ns, (v) => v.setFloat64(244, -1, true), 16) },
    { 'gdf-type-999.gdf': gdf(ns, (v) => v.setUint32(256 + 220 * ns, 999, true), 16) },
    { 'gdf-events-2^24.gdf': concat(gdf(ns, () => {}, 16), new Uint8Array([1, 0xff, 0xff, 0xff, 0, 0, 0x7a, 0x44])) },
    { 'gdf-events-mode-0.gdf': concat(gdf(ns, () => {}, 16), new Uint8Array([0, 1, 0, 0, 0, 0, 0x7a, 0x44])) },
  ];
  return out;
}

const u32 = (...xs: number[]): Uint8Array => new Uint8Array(Uint32Array.from(xs.map((x) => x >>> 0)).buffer);
const i32 = (...xs: number[]): Uint8Array => new Uint8Array(Int32Array.from(xs).buffer);
function el(type: number, payload: Uint8Array, declared = payload.length): Uint8Array {
  const out = new Uint8Array(8 + Math.ceil(payload.length / 8) * 8);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, declared, true);
  out.set(payload, 8);
  return out;
}
const matrix = (cls: number, dims: number[], ...rest: Uint8Array[]): Uint8Array =>
  el(14, concat(el(6, u32(cls, 0)), el(5, i32(...dims)), el(1, enc.encode('x')), ...rest));
function mat5(...elements: Uint8Array[]): Uint8Array {
  const header = new Uint8Array(128).fill(32);
  header.set(enc.encode('MATLAB 5.0 MAT-file, crafted'));
  header.set([0, 1, 0x49, 0x4d], 124);
  return concat(header, ...elements);
}
/** `mib` MiB of zeros as repeated byte-aligned deflate blocks, wrapped as a zlib stream. */
function zeroZlib(mib: number, head?: Uint8Array): Uint8Array {
  const block = new Uint8Array(deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: constants.Z_FULL_FLUSH }));
  const first = head ? [new Uint8Array(deflateRawSync(Buffer.from(head), { finishFlush: constants.Z_FULL_FLUSH }))] : [];
  return concat(new Uint8Array([0x78, 0xda]), ...first, ...Array.from({ length: mib }, () => block), new Uint8Array([3, 0, 0, 0, 0, 1]));
}

/** Crafted MAT v5 files: the known killers and their relatives. */
export function craftMat5(): Input[] {
  const M = 2 ** 31 - 1;
  const bigHead = concat(matrix(6, [8192, 8192]).subarray(0, 48), el(9, new Uint8Array(0), 512 << 20).subarray(0, 8));
  new DataView(bigHead.buffer).setUint32(4, bigHead.length - 8 + (512 << 20), true);
  return [
    { 'mat5-char-dims-2^31-1x0.mat': mat5(matrix(4, [M, 0], el(16, new Uint8Array(0)))) },
    { 'mat5-struct-0-fields-2^31-1-squared.mat': mat5(matrix(2, [M, M], el(5, i32(1)), el(1, new Uint8Array(0)))) },
    { 'mat5-struct-0-fields-2^33.mat': mat5(matrix(2, [M, 4], el(5, i32(1)), el(1, new Uint8Array(0)))) },
    { 'mat5-cell-huge.mat': mat5(matrix(1, [M, M])) },
    { 'mat5-char-bad-code-point.mat': mat5(matrix(4, [1, 2], el(6, u32(65, 0x7fffffff)))) },
    { 'mat5-char-negative.mat': mat5(matrix(4, [1, 1], el(5, i32(-5)))) },
    { 'mat5-dims-negative.mat': mat5(matrix(6, [-1, 3], el(9, new Uint8Array(0)))) },
    { 'mat5-dims-3xhuge.mat': mat5(matrix(6, [M, M, M], el(9, new Uint8Array(0)))) },
    { 'mat5-sparse-huge-cols.mat': mat5(matrix(5, [M, M], el(5, i32()), el(5, i32(0)), el(9, new Uint8Array(0)))) },
    { 'mat5-size-past-end.mat': mat5(el(14, new Uint8Array(16), 0xfffffff0)) },
    { 'mat5-zlib-bomb-512MiB.mat': mat5(el(15, zeroZlib(512))) },
    { 'mat5-zlib-declares-512MiB.mat': mat5(el(15, zeroZlib(64, bigHead))) },
    { 'mat5-deep-cells.mat': mat5(Array.from({ length: 200 }).reduce<Uint8Array>((inner) => matrix(1, [1, 1], inner), matrix(6, [0, 0], el(9, new Uint8Array(0))))) },
  ];
}

/** Crafted safetensors files. */
export function craftSafetensors(): Input[] {
  const file = (header: string, data = new Uint8Array(0), declared?: bigint): Uint8Array => {
    const h = enc.encode(header);
    const len = new Uint8Array(8);
    new DataView(len.buffer).setBigUint64(0, declared ?? BigInt(h.length), true);
    return concat(len, h, data);
  };
  return [
    { 'st-header-2^63.safetensors': file('{}', new Uint8Array(0), 2n ** 63n) },
    { 'st-header-past-end.safetensors': file('{}', new Uint8Array(0), 1000n) },
    { 'st-shape-huge.safetensors': file('{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}') },
    { 'st-shape-negative.safetensors': file('{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', new Uint8Array(4)) },
    { 'st-offsets-past-end.safetensors': file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4000000]}}', new Uint8Array(4)) },
    { 'st-deep.safetensors': file(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) },
    { 'st-deep-object.safetensors': file(`{"a":${'{"b":'.repeat(50_000)}1${'}'.repeat(50_000)}}`) },
    { 'st-proto.safetensors': file('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4)) },
    { 'st-i64-huge.safetensors': file('{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', new Uint8Array(8).fill(0x7f)) },
  ];
}

/** Crafted JSON documents for `state.json` / a saved model's `.json`. */
export function craftJson(_name: string): Uint8Array[] {
  return [
    '', 'null', '[]', '"x"', '{', '{"format":"nnkit.checkpoint.v2","epoch":1.5}', '{"format":"nnkit.checkpoint.v2","step":[-2,3]}',
    `${'['.repeat(100_000)}${']'.repeat(100_000)}`, `{"a":${'{"b":'.repeat(50_000)}1${'}'.repeat(50_000)}}`,
    '{"__proto__":{"polluted":true}}', '{"epoch":1.5,"step":[-2,3]}', '{"epoch":-1}', '{"bestScore":"high"}',
    '\ufeff{}', '{"weights":{"bytes":1}}',
  ].map((s) => enc.encode(s));
}
