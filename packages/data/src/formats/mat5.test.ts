import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { zlibSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@nnkit/tensor';
import { assertClose, loadFixture, readFixture, sharedDataDir, needs, missingSharedData } from '@nnkit/tooling-testing';
import { EegFormatError } from './errors.js';
import { readMat5 } from './mat5.js';
import { readMat5File } from '../node/read-files.js';
import { matGet, matToFloat64, matToRowMajor, type MatCell, type MatChar, type MatNumeric, type MatSparse, type MatStruct } from './mat-types.js';

describe('MAT v5 reader', () => {
  beforeAll(async () => {
    await initBackend();
  });

  for (const name of ['types_v5.mat', 'types_v5z.mat']) {
    it(`reads every class from ${name} (scipy.io.savemat)`, () => {
      const mat = readMat5(loadFixture(import.meta.url, name), { file: name });
      const v = mat.variables;
      const fx = readFixture(import.meta.url, 'mat_types');
      const cfg = fx.config<{ d3_rowmajor: number[]; s2_rowmajor: number[]; d3_dims: number[] }>();
      const d3 = matGet(mat, 'd3', 'numeric');
      expect(d3.dims).toEqual(cfg.d3_dims);
      expect(Array.from(matToRowMajor(d3).data as Float64Array)).toEqual(cfg.d3_rowmajor);
      const s2 = v.s2 as MatNumeric;
      expect(s2.class).toBe('single');
      assertClose(matToRowMajor(s2).data as Float32Array, cfg.s2_rowmajor, { atol: 1e-6 });
      const cls = (k: string): [string, number[]] => [(v[k] as MatNumeric).class, Array.from(matToFloat64(v[k] as MatNumeric))];
      expect(cls('i8')).toEqual(['int8', [-128, 0, 127]]);
      expect(cls('u8')).toEqual(['uint8', [0, 200, 255]]);
      expect(cls('i16')).toEqual(['int16', [-32768, 2, 1, 32767]]);
      expect(cls('u16')).toEqual(['uint16', [65535, 3]]);
      expect(cls('i32')).toEqual(['int32', [-(2 ** 31), 5, 2 ** 31 - 1]]);
      expect(cls('u32')).toEqual(['uint32', [2 ** 32 - 1, 6]]);
      expect(cls('i64')).toEqual(['int64', [-(2 ** 40), 7]]);
      expect(cls('u64')).toEqual(['uint64', [2 ** 40, 8]]);
      expect((v.i64 as MatNumeric).data).toBeInstanceOf(BigInt64Array);
      expect(cls('lg')).toEqual(['logical', [1, 0, 1]]);
      const cx = v.cx as MatNumeric;
      expect([Array.from(cx.data as Float64Array), Array.from(cx.imag as Float64Array)]).toEqual([[1, -3.5], [2, -0.5]]);
      expect(cls('small')).toEqual(['double', [3.25]]);
      expect((v.txt as MatChar).text).toEqual(['Hello, EEG!']);
      expect((v.rows as MatChar).text).toEqual(['ab', 'cd']);
      const st = v.st as MatStruct;
      expect([st.dims, st.fields]).toEqual([[2, 1], ['a', 'name']]);
      expect((st.data[1]!.name as MatChar).text).toEqual(['second']);
      expect(Array.from(matToRowMajor(st.data[0]!.a as MatNumeric).data as Float64Array)).toEqual([0, 1, 2, 3, 4, 5]);
      const cl = v.cl as MatCell;
      expect(cl.data.map((c) => c.class)).toEqual(['single', 'char', 'uint8']);
      const sps = v.sps as MatSparse;
      expect([Array.from(sps.ir), Array.from(sps.jc), Array.from(sps.data)]).toEqual([[1, 0, 2], [0, 1, 2, 3], [2, 1.5, -4]]);
      expect((v.empty as MatNumeric).dims).toEqual([0, 3]);
      fx.dispose();
    });
  }

  it('reads only the requested variables', () => {
    const mat = readMat5(loadFixture(import.meta.url, 'types_v5z.mat'), { variables: ['txt'] });
    expect(Object.keys(mat.variables)).toEqual(['txt']);
  });

  needs(missingSharedData())('loads all 45 BCI IV 2b files equal to scipy.loadmat', async () => {
    const dir = join(sharedDataDir(), 'bciciv2b');
    const fx = readFixture(import.meta.url, 'mat_bciciv2b');
    const cfg = fx.config<Record<string, { shape: number[]; sum: number; abssum: number; first: number[]; x_5_2_7: number; labelShape: number[]; labelCounts: number[]; labelFirst: number[] }>>();
    const files = readdirSync(dir).filter((f) => f.endsWith('.mat')).sort();
    expect(files.length).toBe(45);
    const t0 = performance.now();
    for (const f of files) {
      const c = cfg[f]!;
      const mat = await readMat5File(join(dir, f));
      const x = matGet(mat, 'data', 'numeric');
      const y = matToFloat64(matGet(mat, 'label', 'numeric'));
      expect(x.dims, f).toEqual(c.shape);
      const d = x.data as Float64Array;
      let s = 0;
      let a = 0;
      for (let i = 0; i < d.length; i++) { s += d[i]!; a += Math.abs(d[i]!); }
      assertClose([s, a], [c.sum, c.abssum], { atol: 1e-6, rtol: 1e-9, name: f });
      expect(Array.from(d.subarray(0, 3))).toEqual(c.first);
      expect(d[5 + 1000 * (2 + 3 * 7)]).toBe(c.x_5_2_7);
      expect([y.filter((v) => v === 1).length, y.filter((v) => v === 2).length]).toEqual(c.labelCounts);
      expect(Array.from(y.subarray(0, 10))).toEqual(c.labelFirst);
    }
    console.log(`bciciv2b: 45 MAT files in ${(performance.now() - t0).toFixed(0)} ms`);
    fx.dispose();
  });

  it('rejects malformed files with EegFormatError', () => {
    const good = loadFixture(import.meta.url, 'types_v5.mat');
    const goodZ = loadFixture(import.meta.url, 'types_v5z.mat');
    const u32 = (b: Uint8Array, o: number, v: number): Uint8Array => { const c = b.slice(); new DataView(c.buffer).setUint32(o, v, true); return c; };
    const cases: [string, Uint8Array, RegExp][] = [
      ['truncated header', good.slice(0, 60), /128 bytes/],
      ['wrong endian magic', (() => { const c = good.slice(); c[126] = 0x41; return c; })(), /endian/],
      ['v7.3', (() => { const c = good.slice(); c[125] = 2; c[124] = 0; return c; })(), /v7\.3/],
      ['element past end', u32(good, 132, 0x7fffffff), /declares/],
      ['truncated element', good.slice(0, 300), /truncated|declares|runs past/],
      ['truncated zlib', goodZ.slice(0, 200), /declares|zlib|truncated/],
    ];
    // A zlib bomb: 64 MiB of zeros compressed to ~64 KB inside an miCOMPRESSED element.
    const bomb = zlibSync(new Uint8Array(64 << 20));
    const bombFile = new Uint8Array(128 + 8 + bomb.length);
    bombFile.set(good.subarray(0, 128));
    new DataView(bombFile.buffer).setUint32(128, 15, true);
    new DataView(bombFile.buffer).setUint32(132, bomb.length, true);
    bombFile.set(bomb, 136);
    for (const [name, bytes, re] of cases) {
      expect(() => readMat5(bytes, { file: 'bad.mat' }), name).toThrow(re);
      expect(() => readMat5(bytes), name).toThrow(EegFormatError);
    }
    expect(() => readMat5(bombFile, { maxInflatedBytes: 1 << 20 })).toThrow(/zlib bomb|inflates/);
  });
});
