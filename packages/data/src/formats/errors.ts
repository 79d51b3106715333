import { FormatError } from '@nnkit/tensor';

/** File formats the EEG readers understand (used in {@link EegFormatError}). */
export type EegFormatName = 'edf' | 'wfdb-annotations' | 'mat5' | 'mat73' | 'gdf' | 'eeg-dataset';

/**
 * Typed error thrown by every EEG reader for malformed, truncated or unsupported input.
 * Readers validate sizes against the byte length before allocating, so a hostile file gives
 * this error rather than a crash, a hang or a huge allocation.
 *
 * @example
 * ```ts
 * try { readEdf(bytes, { file: 'a.edf' }); }
 * catch (e) { if (e instanceof EegFormatError) console.log(e.file, e.format, e.reason); }
 * ```
 */
export class EegFormatError extends FormatError {
  /** Format being parsed. */
  declare readonly format: EegFormatName;

  constructor(format: EegFormatName, file: string | undefined, reason: string) {
    super(format, file, reason);
  }
}
