import { readFile } from 'node:fs/promises';
import { inflateSync, constants } from 'node:zlib';
import { StorageError } from '@nnkit/tensor';
import type { EegFormatName } from '../formats/errors.js';

/**
 * Reads a whole file with `node:fs/promises` (Node only: `@nnkit/data/node`; in the browser,
 * pass the bytes to the readers of `@nnkit/data`).
 *
 * @example
 * ```ts
 * const bytes = await readFileBytes('/data/S001R04.edf', 'edf');
 * ```
 */
export async function readFileBytes(path: string, format: EegFormatName): Promise<Uint8Array> {
  let buf: Uint8Array;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new StorageError(path, `cannot read the ${format} file (${(e as Error).message})`, { cause: e });
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Node's native zlib as a bounded inflater for `Mat5ReadOptions.inflate` (faster than the
 * default, fflate). Always defined in Node; the promise is kept for compatibility.
 *
 * @example
 * ```ts
 * const inflate = await nodeInflater();
 * const mat = readMat5(bytes, inflate ? { inflate } : {});
 * ```
 */
export async function nodeInflater(): Promise<((z: Uint8Array, maxBytes: number) => Uint8Array) | undefined> {
  return (z, maxBytes) => {
    // finishFlush tolerates streams without a final block, as MATLAB's reader does.
    const out = inflateSync(z, { maxOutputLength: Math.max(1, maxBytes), finishFlush: constants.Z_SYNC_FLUSH });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  };
}
