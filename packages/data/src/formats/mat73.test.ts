import { describe, expect, it } from 'vitest';
import { loadFixture } from '@nnkit/tooling-testing';
import { EegFormatError } from './errors.js';
import { readMat } from './mat.js';
import { readMat73 } from './mat73.js';
import { matGet, matToRowMajor, type MatChar, type MatNumeric, type MatStruct } from './mat-types.js';

describe('MAT v7.3 reader (h5wasm)', () => {
  it('reads numeric datasets, char and groups written by h5py with a MATLAB header', async () => {
    const bytes = loadFixture(import.meta.url, 'small_v73.mat');
    const mat = await readMat(bytes, { file: 'small_v73.mat' });
    expect(mat.version).toBe(73);
    const x = matGet(mat, 'X', 'numeric');
    expect(x.dims).toEqual([3, 4]);
    expect(Array.from(matToRowMajor(x).data as Float64Array)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const n = mat.variables.n as MatNumeric;
    expect([n.class, n.dims, Array.from(n.data as Int32Array)]).toEqual(['int32', [1, 3], [1, -2, 3]]);
    expect((mat.variables.name as MatChar).text).toEqual(['abc']);
    const s = mat.variables.s as MatStruct;
    expect(Array.from((s.data[0]!.fs as MatNumeric).data as Float64Array)).toEqual([250]);
  });

  it('rejects non-HDF5 and corrupt bytes', async () => {
    await expect(readMat73(new Uint8Array(1000), { file: 'x.mat' })).rejects.toThrow(EegFormatError);
    const bytes = loadFixture(import.meta.url, 'small_v73.mat').slice(0, 900);
    await expect(readMat73(bytes, { file: 'cut.mat' })).rejects.toThrow(EegFormatError);
  });
});
