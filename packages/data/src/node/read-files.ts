// Node conveniences of @nnkit/data/node: the readers of @nnkit/data on files read from disk.
import type { MatFile } from '../formats/mat-types.js';
import { readEdf, type EdfReadOptions } from '../formats/edf.js';
import { readGdf } from '../formats/gdf.js';
import { readMat } from '../formats/mat.js';
import { readMat5, type Mat5ReadOptions } from '../formats/mat5.js';
import { readMat73 } from '../formats/mat73.js';
import type { Raw } from '../formats/types.js';
import { readWfdbAnnotations, type WfdbAnnotations, type WfdbReadOptions } from '../formats/wfdb-annotations.js';
import { nodeInflater, readFileBytes } from './read-file-bytes.js';

/**
 * Node convenience: reads an EDF/EDF+ file from disk with {@link readEdf}.
 *
 * @example
 * ```ts
 * const raw = await readEdfFile('S001R04.edf');
 * ```
 */
export async function readEdfFile(path: string, opts: Omit<EdfReadOptions, 'file'> = {}): Promise<Raw> {
  return readEdf(await readFileBytes(path, 'edf'), { ...opts, file: path });
}

/**
 * Node convenience: reads a WFDB annotation file from disk with {@link readWfdbAnnotations}.
 *
 * @example
 * ```ts
 * const { events } = await readWfdbAnnotationsFile('S001R04.edf.event');
 * ```
 */
export async function readWfdbAnnotationsFile(path: string, opts: Omit<WfdbReadOptions, 'file'> = {}): Promise<WfdbAnnotations> {
  return readWfdbAnnotations(await readFileBytes(path, 'wfdb-annotations'), { ...opts, file: path });
}

/**
 * Node convenience: reads a MAT v5 file from disk with {@link readMat5}.
 *
 * @example
 * ```ts
 * const mat = await readMat5File('B0101T.mat');
 * ```
 */
export async function readMat5File(path: string, opts: Omit<Mat5ReadOptions, 'file'> = {}): Promise<MatFile> {
  const bytes = await readFileBytes(path, 'mat5');
  const inflate = opts.inflate ?? (await nodeInflater());
  return readMat5(bytes, inflate ? { ...opts, inflate, file: path } : { ...opts, file: path });
}

/**
 * Node convenience: reads a MAT v7.3 file from disk with {@link readMat73}.
 *
 * @example
 * ```ts
 * const mat = await readMat73File('big.mat');
 * ```
 */
export async function readMat73File(path: string): Promise<MatFile> {
  return readMat73(await readFileBytes(path, 'mat73'), { file: path });
}

/**
 * Node convenience: reads a MAT file of any supported version from disk.
 *
 * @example
 * ```ts
 * const mat = await readMatFile('B0101T.mat');
 * ```
 */
export async function readMatFile(path: string, opts: Omit<Mat5ReadOptions, 'file'> = {}): Promise<MatFile> {
  const inflate = opts.inflate ?? (await nodeInflater());
  const o: Mat5ReadOptions = { ...opts, file: path };
  if (inflate) o.inflate = inflate;
  return readMat(await readFileBytes(path, 'mat5'), o);
}

/**
 * Node convenience: reads a GDF file from disk with {@link readGdf}.
 *
 * @example
 * ```ts
 * const raw = await readGdfFile('A01T.gdf');
 * ```
 */
export async function readGdfFile(path: string): Promise<Raw> {
  return readGdf(await readFileBytes(path, 'gdf'), { file: path });
}
