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
export class EegFormatError extends Error {
  /** File name given to the reader, or `'<bytes>'` when unknown. */
  readonly file: string;
  /** Format being parsed. */
  readonly format: EegFormatName;
  /** What was wrong (without the file/format prefix). */
  readonly reason: string;

  constructor(format: EegFormatName, file: string | undefined, reason: string) {
    const f = file ?? '<bytes>';
    super(`${format}: ${f}: ${reason}`);
    this.name = 'EegFormatError';
    this.file = f;
    this.format = format;
    this.reason = reason;
  }
}
