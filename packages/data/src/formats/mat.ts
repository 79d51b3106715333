import { asBytes, latin1, type BytesLike } from './bytes.js';
import { readMat5, type Mat5ReadOptions } from './mat5.js';
import { readMat73 } from './mat73.js';
import type { MatFile } from './mat-types.js';

/**
 * Reads any supported MAT-file: v5/v6/v7 with {@link readMat5}, v7.3 (HDF5) with {@link readMat73}.
 *
 * @example
 * ```ts
 * const mat = await readMat(bytes, { file: 'A01T.mat' });
 * ```
 */
export async function readMat(bytes: BytesLike, opts: Mat5ReadOptions = {}): Promise<MatFile> {
  const u8 = asBytes(bytes);
  const v73 = u8.length >= 128 && (latin1(u8, 0, 10) === 'MATLAB 7.3' || (u8[124] === 0 && u8[125] === 2 && latin1(u8, 126, 128) === 'IM'));
  return v73 ? readMat73(u8, opts.file !== undefined ? { file: opts.file } : {}) : readMat5(u8, opts);
}
