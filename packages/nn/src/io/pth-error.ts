import { FormatError } from '@nnkit/tensor';

/**
 * Why a PyTorch checkpoint was rejected (the `kind` of a {@link PthError}):
 * - `not_a_checkpoint`: neither a zip archive nor a pickle (nor safetensors, for the sniffing helpers).
 * - `legacy_format`: a pre-1.6 (non-zip) `torch.save` file; re-save it with torch ≥ 1.6.
 * - `torchscript`: a `torch.jit.save` archive (code, not a state dict).
 * - `invalid_zip`: the zip directory or a local header is malformed, truncated or out of bounds.
 * - `unsupported_zip`: encryption, multi-disk archives or a compression other than stored/deflate.
 * - `missing_record`: `data.pkl` or a storage record `data/<key>` is absent.
 * - `crc_mismatch`: a record's bytes do not match the CRC-32 of the zip directory (corrupt file).
 * - `invalid_pickle`: a malformed or truncated pickle (unknown opcode, stack underflow, bad memo…).
 * - `forbidden_global`: the pickle references a global outside the whitelist (never executed).
 * - `invalid_tensor`: a tensor's storage, dtype, size, stride or offset is inconsistent.
 * - `unsupported_dtype`: a storage type nnkit cannot hold (complex, quantized…).
 * - `int_out_of_range`: an int64 value does not fit in int32 (tfjs has no 64-bit integers).
 * - `too_large`: a declared size exceeds a limit (`maxBytes`, `maxElements`) or the file.
 * - `too_deep`: nested containers deeper than `maxDepth`.
 * - `no_state_dict`: {@link loadPth} found no `string → tensor` dict (or not at the given key).
 */
export type PthErrorKind =
  | 'not_a_checkpoint'
  | 'legacy_format'
  | 'torchscript'
  | 'invalid_zip'
  | 'unsupported_zip'
  | 'missing_record'
  | 'crc_mismatch'
  | 'invalid_pickle'
  | 'forbidden_global'
  | 'invalid_tensor'
  | 'unsupported_dtype'
  | 'int_out_of_range'
  | 'too_large'
  | 'too_deep'
  | 'no_state_dict';

/**
 * Raised by the PyTorch checkpoint reader ({@link readPth}, {@link loadPth}) for any malformed,
 * hostile or unsupported file; `kind` says what was wrong, `file` names the file when the caller
 * gave one (`{ file }` option). A forbidden global is named in the message, e.g.
 * `pth: model.pth: global 'os.system' is not allowed …`.
 *
 * @example
 * ```ts
 * try { loadPth(bytes, { file: 'model.pth' }); }
 * catch (e) { if (e instanceof PthError && e.kind === 'legacy_format') console.error(e.message); }
 * ```
 */
export class PthError extends FormatError {
  constructor(
    readonly kind: PthErrorKind,
    reason: string,
    file?: string,
  ) {
    super('pth', file, reason);
  }
}
