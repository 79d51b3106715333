import { readFileSync } from 'node:fs';
import { initBackend } from '@nnkit/tensor';
import { fixturePath, loadFixture } from '@nnkit/tooling-testing';
import { memory, type Tensor, tensor } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { loadSafetensors, readSafetensors, SafetensorsError, saveSafetensors } from './index.js';

/** Builds a safetensors file from a header object and raw data bytes (for malformed inputs). */
function build(header: unknown, data: Uint8Array = new Uint8Array(0), rawHeader?: Uint8Array): Uint8Array {
  const h = rawHeader ?? new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function kindOf(f: () => unknown): string {
  try {
    const r = f();
    if (r && typeof r === 'object') for (const t of Object.values((r as { tensors: Record<string, Tensor> }).tensors)) t.dispose();
  } catch (e) {
    if (e instanceof SafetensorsError) return e.kind;
    throw e;
  }
  return 'ok';
}

const disposeAll = (d: Record<string, Tensor>): void => Object.values(d).forEach((t) => t.dispose());

beforeAll(async () => {
  await initBackend();
});

describe('readSafetensors: files written by the reference writer (safetensors_io.py)', () => {
  it('reads F32, F64, I64, I32, U8, BOOL, scalars, empty tensors and metadata', () => {
    const { tensors, metadata } = readSafetensors(loadFixture(import.meta.url, 'reference-dtypes.safetensors'));
    const expected = JSON.parse(readFileSync(fixturePath(import.meta.url, 'reference-dtypes.json'), 'utf8')) as Record<string, { shape: number[]; values: number[] }>;
    expect(metadata).toEqual({ format: 'pt', note: 'nnkit gen_io' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, { shape, values }] of Object.entries(expected)) {
      const t = tensors[k]!;
      expect(t.shape, k).toEqual(shape);
      const got = Array.from(t.dataSync(), Number);
      if (k === 'f64') got.forEach((v, i) => expect(v).toBeCloseTo(values[i]!, 6));
      else expect(got, k).toEqual(k === 'f32' || k === 'scalar' ? values.map((v) => Math.fround(v)) : values);
    }
    expect(tensors.f64!.dtype).toBe('float32');
    expect(tensors.i64!.dtype).toBe('int32');
    expect(tensors.u8!.dtype).toBe('int32');
    expect(tensors.mask!.dtype).toBe('bool');
    disposeAll(tensors);
  });

  it('accepts an ArrayBuffer and a Uint8Array view at an odd offset', () => {
    const bytes = loadFixture(import.meta.url, 'iris-state.safetensors');
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const a = loadSafetensors(shifted.subarray(3));
    const b = loadSafetensors(bytes.slice().buffer);
    expect(Object.keys(a)).toEqual(['fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight']);
    expect(Array.from(a['fc1.weight']!.dataSync())).toEqual(Array.from(b['fc1.weight']!.dataSync()));
    disposeAll(a);
    disposeAll(b);
  });

  it('reads F16, BF16, I16, I8, U16, U32, U64', () => {
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x7e00, 0x8000]);
    const bf16 = new Uint16Array([0x3f80, 0xc0a0]);
    const parts: Array<[string, string, number[], Uint8Array]> = [
      ['a', 'F16', [7], new Uint8Array(f16.buffer)],
      ['b', 'BF16', [2], new Uint8Array(bf16.buffer)],
      ['c', 'I16', [2], new Uint8Array(new Int16Array([-300, 300]).buffer)],
      ['d', 'I8', [2], new Uint8Array(new Int8Array([-7, 7]).buffer)],
      ['e', 'U16', [1], new Uint8Array(new Uint16Array([65535]).buffer)],
      ['f', 'U32', [1], new Uint8Array(new Uint32Array([2147483647]).buffer)],
      ['g', 'U64', [1], new Uint8Array(new BigUint64Array([5n]).buffer)],
    ];
    const header: Record<string, unknown> = {};
    let off = 0;
    for (const [k, dtype, shape, raw] of parts) {
      header[k] = { dtype, shape, data_offsets: [off, off + raw.length] };
      off += raw.length;
    }
    const data = new Uint8Array(off);
    off = 0;
    for (const [, , , raw] of parts) {
      data.set(raw, off);
      off += raw.length;
    }
    const t = loadSafetensors(build(header, data));
    expect(Array.from(t.a!.dataSync())).toEqual([1, -2, 65504, 2 ** -24, Infinity, NaN, -0]);
    expect(Array.from(t.b!.dataSync())).toEqual([1, -5]);
    expect(Array.from(t.c!.dataSync())).toEqual([-300, 300]);
    expect(Array.from(t.d!.dataSync())).toEqual([-7, 7]);
    expect(Array.from(t.e!.dataSync())).toEqual([65535]);
    expect(Array.from(t.f!.dataSync())).toEqual([2147483647]);
    expect(Array.from(t.g!.dataSync())).toEqual([5]);
    disposeAll(t);
  });
});

describe('saveSafetensors', () => {
  it('writes the same bytes as the reference writer (IrisMLP state dict)', () => {
    const ref = loadFixture(import.meta.url, 'iris-state.safetensors');
    const dict = loadSafetensors(ref);
    // Insertion order differs from the file's: keys must come out sorted.
    const reordered = Object.fromEntries(Object.entries(dict).reverse());
    expect(Array.from(saveSafetensors(reordered))).toEqual(Array.from(ref));
    disposeAll(dict);
  });

  it('writes num_batches_tracked as I64 by default, byte-identical to PyTorch BatchNorm1d', () => {
    const ref = loadFixture(import.meta.url, 'bn-state.safetensors');
    class BN extends Module {
      weight = this.registerParameter('weight', new Parameter(tensor([0, 0, 0])));
      bias = this.registerParameter('bias', new Parameter(tensor([0, 0, 0])));
      rm = this.registerBuffer('running_mean', tensor([0, 0, 0]));
      rv = this.registerBuffer('running_var', tensor([1, 1, 1]));
      nbt = this.registerBuffer('num_batches_tracked', tensor(0, [], 'int32'));
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const bn = new BN();
    const dict = loadSafetensors(ref);
    bn.loadStateDict(dict);
    disposeAll(dict);
    expect(bn.nbt.dataSync()[0]).toBe(2);
    expect(Array.from(saveSafetensors(bn.stateDict()))).toEqual(Array.from(ref));
    const asI32 = readSafetensors(saveSafetensors(bn.stateDict(), undefined, { int64: false }));
    expect(asI32.tensors.num_batches_tracked!.dtype).toBe('int32');
    disposeAll(asI32.tensors);
    bn.dispose();
  });

  it('round-trips float32 / int32 / bool / scalars / empty tensors and metadata without leaks', () => {
    const before = memory().numTensors;
    const src: Record<string, Tensor> = {
      'b.w': tensor([[1.5, -2.25e-7], [3e30, -0]]),
      'a.idx': tensor([-2147483648, 2147483647, 0], [3], 'int32'),
      m: tensor([true, false, true], [3], 'bool'),
      s: tensor(2.5),
      e: tensor([], [2, 0]),
    };
    const bytes = saveSafetensors(src, { format: 'pt', 'ünï': 'çødé ✓' }, { int64: (k) => k.endsWith('idx') });
    const hlen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(hlen % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + hlen))) as Record<string, { dtype: string }>;
    expect(Object.keys(header)).toEqual(['a.idx', 'b.w', 'e', 'm', 's', '__metadata__']);
    expect(header['a.idx']!.dtype).toBe('I64');
    const { tensors, metadata } = readSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt', 'ünï': 'çødé ✓' });
    for (const [k, t] of Object.entries(src)) {
      expect(tensors[k]!.shape, k).toEqual(t.shape);
      expect(tensors[k]!.dtype, k).toBe(t.dtype);
      expect(Array.from(tensors[k]!.dataSync()), k).toEqual(Array.from(t.dataSync()));
    }
    disposeAll(tensors);
    disposeAll(src);
    expect(memory().numTensors).toBe(before);
  });

  it('property: random float32/int32 dicts round-trip exactly', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== '__metadata__'),
          fc.tuple(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }), fc.boolean(), fc.integer()),
          { maxKeys: 5 },
        ),
        (spec) => {
          const src: Record<string, Tensor> = {};
          for (const [k, [shape, isInt, seed]] of Object.entries(spec)) {
            const n = shape.reduce((a, b) => a * b, 1);
            const vals = Array.from({ length: n }, (_, i) => (isInt ? ((seed + i * 7919) | 0) : Math.fround(Math.sin(seed + i) * 1e3)));
            src[k] = tensor(vals, shape, isInt ? 'int32' : 'float32');
          }
          const back = loadSafetensors(saveSafetensors(src));
          try {
            expect(Object.keys(back).sort()).toEqual(Object.keys(src).sort());
            for (const k of Object.keys(src)) {
              expect(back[k]!.shape).toEqual(src[k]!.shape);
              expect(Array.from(back[k]!.dataSync())).toEqual(Array.from(src[k]!.dataSync()));
            }
          } finally {
            disposeAll(back);
            disposeAll(src);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('rejects unstorable tensors and bad metadata', () => {
    const c = tensor([1, 2], [2], 'string' as never);
    expect(kindOf(() => saveSafetensors({ c }))).toBe('invalid_tensor');
    const t = tensor([1]);
    expect(kindOf(() => saveSafetensors({ __metadata__: t }))).toBe('invalid_tensor');
    expect(kindOf(() => saveSafetensors({ t }, { n: 3 as unknown as string }))).toBe('invalid_metadata');
    c.dispose();
    t.dispose();
    expect(kindOf(() => saveSafetensors({ t }))).toBe('invalid_tensor'); // disposed
  });
});

describe('readSafetensors: validation', () => {
  const f32 = (n: number): Uint8Array => new Uint8Array(new Float32Array(n).buffer);
  const cases: Array<[string, () => Uint8Array, string]> = [
    ['empty file', () => new Uint8Array(0), 'truncated'],
    ['7 bytes', () => new Uint8Array(7), 'truncated'],
    ['header past the end', () => build({}).subarray(0, 9), 'truncated'],
    ['header length 2^64-1', () => new Uint8Array(8).fill(255), 'header_too_large'],
    ['header length 200 MB', () => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 200_000_000n, true); return b; }, 'header_too_large'],
    ['invalid UTF-8', () => build(null, undefined, new Uint8Array([0x7b, 0xff, 0x7d])), 'invalid_utf8'],
    ['invalid JSON', () => build(null, undefined, new TextEncoder().encode('{"a":')), 'invalid_json'],
    ['array header', () => build([1, 2]), 'invalid_header'],
    ['null header', () => build(null), 'invalid_header'],
    ['entry not an object', () => build({ a: 3 }), 'invalid_header'],
    ['metadata not strings', () => build({ __metadata__: { a: 1 } }), 'invalid_metadata'],
    ['metadata an array', () => build({ __metadata__: ['a'] }), 'invalid_metadata'],
    ['unknown dtype', () => build({ a: { dtype: 'F33', shape: [1], data_offsets: [0, 4] } }, f32(1)), 'unknown_dtype'],
    ['dtype not a string', () => build({ a: { dtype: 4, shape: [1], data_offsets: [0, 4] } }, f32(1)), 'unknown_dtype'],
    ['unsupported dtype', () => build({ a: { dtype: 'F8_E4M3', shape: [4], data_offsets: [0, 4] } }, f32(1)), 'unsupported_dtype'],
    ['negative dim', () => build({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)), 'invalid_shape'],
    ['fractional dim', () => build({ a: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, f32(1)), 'invalid_shape'],
    ['string dim', () => build({ a: { dtype: 'F32', shape: ['1'], data_offsets: [0, 4] } }, f32(1)), 'invalid_shape'],
    ['shape missing', () => build({ a: { dtype: 'F32', data_offsets: [0, 4] } }, f32(1)), 'invalid_shape'],
    ['offsets reversed', () => build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, f32(1)), 'invalid_offsets'],
    ['offsets fractional', () => build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4.5] } }, f32(2)), 'invalid_offsets'],
    ['offsets three', () => build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4, 8] } }, f32(2)), 'invalid_offsets'],
    ['offsets unsafe integer', () => build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 2 ** 60] } }, f32(1)), 'invalid_offsets'],
    ['offsets past the data', () => build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1)), 'out_of_bounds'],
    ['size mismatch', () => build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, f32(1)), 'size_mismatch'],
    ['huge shape', () => build({ a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40, 2 ** 40], data_offsets: [0, 4] } }, f32(1)), 'size_mismatch'],
    ['overlap', () => build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(2)), 'overlapping'],
    ['hole', () => build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(2)), 'gap'],
    ['trailing bytes', () => build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(2)), 'gap'],
    ['I64 out of int32 range', () => build({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(new BigInt64Array([2n ** 40n]).buffer)), 'int_out_of_range'],
    ['U32 out of int32 range', () => build({ a: { dtype: 'U32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(new Uint32Array([2 ** 31]).buffer)), 'int_out_of_range'],
  ];
  it.each(cases)('%s → %s', (_label, make, kind) => {
    const before = memory().numTensors;
    expect(kindOf(() => readSafetensors(make()))).toBe(kind);
    expect(memory().numTensors).toBe(before);
  });

  it('names the tensor and says what was expected', () => {
    const bad = build({ 'conv1.weight': { dtype: 'F32', shape: [2, 3], data_offsets: [0, 4] } }, f32(1));
    expect(() => loadSafetensors(bad)).toThrow(/tensor 'conv1.weight': shape \[2,3\] of F32 needs 24 bytes, data_offsets give 4/);
    expect(() => loadSafetensors(bad)).toThrow(SafetensorsError);
    expect(() => loadSafetensors('x' as unknown as Uint8Array)).toThrow(SafetensorsError);
  });

  it('a key named __proto__ does not touch the prototype of the result', () => {
    const bytes = build({ __proto__x: null, ['__proto__']: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } } as never, f32(1), new TextEncoder().encode('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'));
    const d = loadSafetensors(bytes);
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(Object.keys(d)).toEqual(['__proto__']);
    disposeAll(d);
  });

  it('fuzz: random header structures raise only SafetensorsError, never leak', () => {
    const codes = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL', 'F8_E5M2', 'X'];
    const entry = fc.record(
      {
        dtype: fc.oneof(fc.constantFrom(...codes), fc.anything()),
        shape: fc.oneof(fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 3 }), fc.anything()),
        data_offsets: fc.oneof(fc.tuple(fc.nat(40), fc.nat(40)), fc.anything()),
      },
      { requiredKeys: [] },
    );
    const before = memory().numTensors;
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('a', 'b', 'c', '__metadata__'), fc.oneof(entry, fc.anything()), { maxKeys: 3 }),
        fc.nat(40),
        (header, n) => {
          try {
            disposeAll(loadSafetensors(build(header, new Uint8Array(n).fill(0x3f))));
          } catch (e) {
            if (!(e instanceof SafetensorsError)) throw e;
          }
        },
      ),
      { numRuns: 200 },
    );
    expect(memory().numTensors).toBe(before);
  });

  it('fuzz: random byte flips and truncations raise only SafetensorsError, never leak', () => {
    const good = saveSafetensors({ a: tensor([[1, 2], [3, 4]]), 'b.idx': tensor([1, 2, 3], [3], 'int32'), nbt: tensor(3, [], 'int32') }, { k: 'v' }, { int64: (k) => k === 'nbt' });
    const before = memory().numTensors;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.option(fc.nat(good.length), { nil: undefined }),
        (flips, cut) => {
          const b = good.slice(0, cut ?? good.length);
          for (const [i, v] of flips) if (i < b.length) b[i] = v;
          try {
            disposeAll(loadSafetensors(b));
          } catch (e) {
            if (!(e instanceof SafetensorsError)) throw e;
          }
        },
      ),
      { numRuns: 200 },
    );
    expect(memory().numTensors).toBe(before);
  });
});

describe('Node Buffer input', () => {
  it('reads a Buffer (whose slice() is a view) the same as a Uint8Array', async () => {
    const { Buffer } = await import('node:buffer');
    const t = { a: tensor([1, 2, 3, 4, 5], [5]), b: tensor([[7, 8]], [1, 2]) };
    const bytes = saveSafetensors(t);
    // a Buffer that is a window into a bigger pool, like readFileSync returns
    const pool = Buffer.alloc(bytes.length + 64);
    pool.set(bytes, 32);
    const buf = pool.subarray(32, 32 + bytes.length);
    const out = loadSafetensors(buf);
    expect(Array.from(out.a!.dataSync())).toEqual([1, 2, 3, 4, 5]);
    expect(out.b!.shape).toEqual([1, 2]);
    for (const v of [...Object.values(t), ...Object.values(out)]) v.dispose();
  });
});
