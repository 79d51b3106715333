import { FormatError } from '@nnkit/tensor';

/**
 * Why a safetensors file was rejected (the `kind` of a {@link SafetensorsError}):
 * - `truncated`: shorter than the 8-byte length prefix, or the header runs past the end.
 * - `header_too_large`: the declared header length exceeds the limit (100 MB by default).
 * - `invalid_utf8` / `invalid_json` / `invalid_header`: the header is not UTF-8, not JSON, or not
 *   a JSON object of tensor entries.
 * - `invalid_metadata`: `__metadata__` is not an object of strings.
 * - `unknown_dtype` / `unsupported_dtype`: a dtype code safetensors does not define / nnkit cannot hold.
 * - `invalid_shape`: the shape is not an array of non-negative safe integers.
 * - `invalid_offsets`: `data_offsets` is not two non-negative safe integers with begin ≤ end.
 * - `out_of_bounds`: a tensor's bytes lie outside the data section.
 * - `size_mismatch`: byte count ≠ product(shape) × itemsize.
 * - `overlapping` / `gap`: two tensors share bytes / bytes lie between tensors or after the last one.
 * - `int_out_of_range`: a 64-bit (or unsigned 32-bit) integer does not fit in int32.
 * - `invalid_tensor`: (writing) a tensor nnkit cannot store, or a bad key / metadata value.
 */
export type SafetensorsErrorKind =
  | 'truncated'
  | 'header_too_large'
  | 'invalid_utf8'
  | 'invalid_json'
  | 'invalid_header'
  | 'invalid_metadata'
  | 'unknown_dtype'
  | 'unsupported_dtype'
  | 'invalid_shape'
  | 'invalid_offsets'
  | 'out_of_bounds'
  | 'size_mismatch'
  | 'overlapping'
  | 'gap'
  | 'int_out_of_range'
  | 'invalid_tensor';

/**
 * Raised by the safetensors reader and writer for any malformed file or unstorable tensor;
 * `kind` says what was wrong, `tensor` names the entry concerned (when there is one).
 *
 * @example
 * ```ts
 * try { loadSafetensors(bytes); }
 * catch (e) { if (e instanceof SafetensorsError && e.kind === 'truncated') askForTheFullFile(); }
 * ```
 */
export class SafetensorsError extends FormatError {
  constructor(
    readonly kind: SafetensorsErrorKind,
    message: string,
    readonly tensor?: string,
    file?: string,
  ) {
    const where = `${tensor !== undefined ? `tensor '${tensor}': ` : ''}${message}`;
    super('safetensors', file, where, { message: `safetensors: ${file !== undefined ? `${file}: ` : ''}${where}` });
  }
}
