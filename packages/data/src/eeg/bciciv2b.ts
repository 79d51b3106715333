import { EegFormatError } from '../formats/errors.js';
import { readMat5File } from '../node/read-files.js';
import { matGet, matToFloat64 } from '../formats/mat-types.js';
import { defaultRoot, joinPath } from './paths.js';
import { concatTrials, type EegTrials } from './trials.js';

/** Options of {@link loadBCICIV2b}. */
export interface BCICIV2bOptions {
  /** Folder with `B0101T.mat` … `B0905E.mat`; default `../shared/data/bciciv2b` (relative to cwd). */
  root?: string;
  /** Subject 1–9. */
  subject: number;
  /** Sessions 1–5, or `'train'` (1, 2, 3: files `…T.mat`) / `'eval'` (4, 5: `…E.mat`). Default `'train'`. */
  sessions?: readonly number[] | 'train' | 'eval';
}

/** {@link EegTrials} of BCI IV 2b with the session of each trial. */
export interface BCICIV2bTrials extends EegTrials {
  sessions: Int32Array;
}

const CHANNELS = ['C3', 'Cz', 'C4'];

/**
 * Loads BCI Competition IV data set 2b from the MAT files of the EEG-TCNet/BNCI preprocessing
 * (`data`: 1000 × 3 × 120 (time, channels, trials) in MATLAB, `label`: 120 × 1 with 1 = left hand,
 * 2 = right hand). MATLAB's column-major layout *is* the row-major `(trials, channels, time)` array,
 * so trials are used without a transpose.
 *
 * @returns `data: [N, 3, 1000]` float32 at 250 Hz, labels 0 (left) / 1 (right)
 * @example
 * ```ts
 * const d = await loadBCICIV2b({ subject: 1, sessions: 'train' });
 * d.shape; // [360, 3, 1000]
 * ```
 */
export async function loadBCICIV2b(opts: BCICIV2bOptions): Promise<BCICIV2bTrials> {
  const { subject } = opts;
  if (!Number.isInteger(subject) || subject < 1 || subject > 9) {
    throw new EegFormatError('eeg-dataset', undefined, `BCICIV2b: subject must be 1..9, got ${subject}`);
  }
  const sel = opts.sessions ?? 'train';
  const sessions = sel === 'train' ? [1, 2, 3] : sel === 'eval' ? [4, 5] : sel;
  const root = opts.root ?? defaultRoot('bciciv2b');
  const parts: EegTrials[] = [];
  const sessionOf: number[] = [];
  for (const s of sessions) {
    if (!Number.isInteger(s) || s < 1 || s > 5) throw new EegFormatError('eeg-dataset', undefined, `BCICIV2b: session must be 1..5, got ${s}`);
    const file = joinPath(root, `B0${subject}0${s}${s <= 3 ? 'T' : 'E'}.mat`);
    const mat = await readMat5File(file);
    const x = matGet(mat, 'data', 'numeric');
    const y = matToFloat64(matGet(mat, 'label', 'numeric'));
    const [T, C, N] = [x.dims[0] ?? 0, x.dims[1] ?? 0, x.dims[2] ?? 1];
    if (x.dims.length > 3 || y.length !== N) {
      throw new EegFormatError('mat5', file, `expected data (time, channels, trials) and ${N} labels, got dims [${x.dims.join(', ')}] and ${y.length} labels`);
    }
    const data = x.data instanceof Float32Array ? x.data : Float32Array.from(matToFloat64(x));
    const labels = Int32Array.from(y, (v) => v - 1);
    if (labels.some((l) => l !== 0 && l !== 1)) throw new EegFormatError('mat5', file, 'labels must be 1 (left) or 2 (right)');
    const times = Float32Array.from({ length: T }, (_, i) => i / 250);
    parts.push({ data, shape: [N, C, T], labels, sampleRate: 250, channels: C === 3 ? CHANNELS : Array.from({ length: C }, (_, i) => `ch${i}`), times });
    for (let i = 0; i < N; i++) sessionOf.push(s);
  }
  return { ...concatTrials(parts), sessions: Int32Array.from(sessionOf) };
}
