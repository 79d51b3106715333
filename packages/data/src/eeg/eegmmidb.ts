import { readEdfFile, readWfdbAnnotationsFile } from '../node/read-files.js';
import { EegFormatError } from '../formats/errors.js';
import { epochs } from './epochs.js';
import { defaultRoot, joinPath } from './paths.js';
import { concatTrials, type EegTrials } from './trials.js';

/** Options of {@link loadEEGMMIDB}. */
export interface EEGMMIDBOptions {
  /** Folder holding `S001/S001R04.edf` (+ `.edf.event`); default `../shared/data/eegmmidb`. */
  root?: string;
  /** Subject number 1–109. */
  subject: number;
  /** Runs 1–14 (default `[4, 8, 12]`: imagined left/right fist). */
  runs?: readonly number[];
  /** Window start after the cue (s, default 0). */
  tmin?: number;
  /** Window end after the cue (s, exclusive, default 4 → 640 samples at 160 Hz). */
  tmax?: number;
  /** Also cut rest (T0) trials, with label 2. */
  includeRest?: boolean;
}

/** {@link EegTrials} of EEGMMIDB with the run each trial came from. */
export interface EEGMMIDBTrials extends EegTrials {
  /** Run number of each trial. */
  runs: Int32Array;
}

/**
 * Loads the PhysioNet EEG Motor Movement/Imagery data set (64 channels, 160 Hz): reads each run's
 * EDF and its WFDB `.edf.event` file, and cuts one trial per T1/T2 cue. Labels: T1 → 0, T2 → 1
 * (runs 3/4/7/8/11/12: left/right fist; runs 5/6/9/10/13/14: both fists/both feet), T0 → 2 with
 * `includeRest`.
 *
 * @returns trials `data: [N, 64, T]`, e.g. run 4 alone gives 15 imagery trials `[15, 64, 640]`
 * @example
 * ```ts
 * const d = await loadEEGMMIDB({ subject: 1, runs: [4, 8, 12] });
 * d.shape; // [45, 64, 640]
 * ```
 */
export async function loadEEGMMIDB(opts: EEGMMIDBOptions): Promise<EEGMMIDBTrials> {
  const { subject, tmin = 0, tmax = 4 } = opts;
  if (!Number.isInteger(subject) || subject < 1 || subject > 109) {
    throw new EegFormatError('eeg-dataset', undefined, `EEGMMIDB: subject must be 1..109, got ${subject}`);
  }
  const runs = opts.runs ?? [4, 8, 12];
  const s = `S${String(subject).padStart(3, '0')}`;
  const dir = joinPath(opts.root ?? defaultRoot('eegmmidb'), s);
  const eventIds: Record<string, number> = { T1: 0, T2: 1 };
  if (opts.includeRest) eventIds.T0 = 2;
  const parts: EegTrials[] = [];
  const runOf: number[] = [];
  for (const run of runs) {
    if (!Number.isInteger(run) || run < 1 || run > 14) throw new EegFormatError('eeg-dataset', undefined, `EEGMMIDB: run must be 1..14, got ${run}`);
    const base = joinPath(dir, `${s}R${String(run).padStart(2, '0')}.edf`);
    const raw = await readEdfFile(base);
    const ann = await readWfdbAnnotationsFile(`${base}.event`, raw.sampleRate !== undefined ? { sampleRate: raw.sampleRate } : {});
    const ep = epochs(raw, ann.events, { tmin, tmax, eventIds });
    parts.push(ep);
    for (let i = 0; i < ep.shape[0]; i++) runOf.push(run);
  }
  return { ...concatTrials(parts), runs: Int32Array.from(runOf) };
}
