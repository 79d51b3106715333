import { FormatError } from '@nnkit/tensor';

/**
 * `JSON.parse` of text or UTF-8 bytes read from a user's file, throwing a {@link FormatError} that names
 * the format and the file (and the JSON field, for JSON stored inside another file's metadata).
 *
 * @example
 * ```ts
 * const state = parseJson(await storage.read('run/state.json'), 'nnkit-checkpoint', 'run/state.json');
 * ```
 */
export function parseJson(text: string | Uint8Array, format: string, file: string | undefined, field?: string): unknown {
  const s = typeof text === 'string' ? text : new TextDecoder().decode(text);
  try {
    return JSON.parse(s) as unknown;
  } catch (e) {
    throw new FormatError(format, file, `${field === undefined ? '' : `'${field}' `}is not valid JSON (${(e as Error).message})`, { cause: e });
  }
}
