import { nodeInflater, readFileBytes } from '../node/read-file-bytes.js';
import { EegFormatError } from '../formats/errors.js';
import { readGdf } from '../formats/gdf.js';
import { readMat5 } from '../formats/mat5.js';
import { isMatNumeric, matToFloat64, type MatFile, type MatNumeric, type MatValue } from '../formats/mat-types.js';
import { joinPath } from './paths.js';
import { concatTrials, type EegTrials } from './trials.js';

/** Options of {@link loadBCICIV2a}. */
export interface BCICIV2aOptions {
  /** Folder with the files (no default: the data set is not shipped). */
  root: string;
  /** Subject 1–9. */
  subject: number;
  /** `'train'` (`A0xT`) or `'eval'` (`A0xE`). Default `'train'`. */
  split?: 'train' | 'eval';
  /**
   * `'mat'`: BNCI Horizon MAT files `A0xT.mat` (`data` cell of runs with X, trial, y, artifacts).
   * `'gdf'`: official `A0xT.gdf` + true labels (`classlabel`) from `labels` or `A0xT.mat`/`A0xT_labels.mat`.
   * Default: `'gdf'` when the `.gdf` file exists, else `'mat'`.
   */
  format?: 'mat' | 'gdf';
  /** Path of the true-label MAT file for the GDF format. */
  labels?: string;
  /** Window start after the trial start (s, default 1.5 — EEG-TCNet). */
  tmin?: number;
  /** Window end after the trial start (s, exclusive, default 6 → 1125 samples). */
  tmax?: number;
}

const FS = 250;
const N_EEG = 22;

async function readMatAt(path: string): Promise<MatFile> {
  const inflate = await nodeInflater();
  return readMat5(await readFileBytes(path, 'mat5'), inflate ? { file: path, inflate } : { file: path });
}

async function exists(path: string): Promise<boolean> {
  try {
    await readFileBytes(path, 'eeg-dataset');
    return true;
  } catch {
    return false;
  }
}

function num(v: MatValue | undefined, what: string, file: string): Float64Array {
  if (!v || !isMatNumeric(v)) throw new EegFormatError('mat5', file, `BNCI run field '${what}' is missing or not numeric`);
  return matToFloat64(v);
}

function cut(x: (c: number, t: number) => number, starts: readonly number[], s0: number, T: number, total: number, file: string): Float32Array {
  const out = new Float32Array(starts.length * N_EEG * T);
  starts.forEach((st, n) => {
    if (st + s0 < 0 || st + s0 + T > total) throw new EegFormatError('eeg-dataset', file, `trial ${n} window [${st + s0}, ${st + s0 + T}) exceeds the ${total} samples`);
    for (let c = 0; c < N_EEG; c++) {
      const o = (n * N_EEG + c) * T;
      for (let t = 0; t < T; t++) out[o + t] = x(c, st + s0 + t);
    }
  });
  return out;
}

/**
 * Loads BCI Competition IV data set 2a (4 classes: left hand, right hand, feet, tongue → 0..3;
 * 22 EEG channels, the 3 EOG channels dropped; 250 Hz). Trials flagged as artifacts (GDF event
 * 1023 / BNCI `artifacts`) are dropped as in the EEG-TCNet code, and each trial keeps the window
 * 1.5–6 s after the trial start (cue at 2 s) = 1125 samples.
 *
 * @returns `data: [N, 22, 1125]`, labels 0..3
 * @example
 * ```ts
 * const d = await loadBCICIV2a({ root: '/data/bciciv2a', subject: 1, split: 'train' });
 * d.shape; // [N, 22, 1125]
 * ```
 */
export async function loadBCICIV2a(opts: BCICIV2aOptions): Promise<EegTrials> {
  const { subject, root, tmin = 1.5, tmax = 6 } = opts;
  if (!Number.isInteger(subject) || subject < 1 || subject > 9) {
    throw new EegFormatError('eeg-dataset', undefined, `BCICIV2a: subject must be 1..9, got ${subject}`);
  }
  const stem = `A0${subject}${opts.split === 'eval' ? 'E' : 'T'}`;
  const gdfPath = joinPath(root, `${stem}.gdf`);
  const format = opts.format ?? ((await exists(gdfPath)) ? 'gdf' : 'mat');
  const s0 = Math.round(tmin * FS);
  const T = Math.round((tmax - tmin) * FS);
  const channels = Array.from({ length: N_EEG }, (_, i) => `EEG-${i}`);
  const times = Float32Array.from({ length: T }, (_, i) => (i + s0) / FS);

  if (format === 'mat') {
    const file = joinPath(root, `${stem}.mat`);
    const mat = await readMatAt(file);
    const cell = mat.variables.data;
    const runs = cell?.class === 'cell' ? cell.data : cell?.class === 'struct' ? [cell] : undefined;
    if (!runs) throw new EegFormatError('mat5', file, `expected a 'data' cell of runs (BNCI format), has: ${Object.keys(mat.variables).join(', ')}`);
    const parts: EegTrials[] = [];
    for (const run of runs) {
      if (run.class !== 'struct' || !run.data[0]) continue;
      const r = run.data[0];
      const X = r.X as MatNumeric | undefined;
      if (!X || !isMatNumeric(X)) throw new EegFormatError('mat5', file, "BNCI run has no numeric 'X'");
      const trial = num(r.trial, 'trial', file);
      if (trial.length === 0) continue;
      const y = num(r.y, 'y', file);
      const art = r.artifacts ? num(r.artifacts, 'artifacts', file) : new Float64Array(trial.length);
      const [total] = X.dims as [number, number];
      const xd = matToFloat64(X);
      const keep = Array.from(trial.keys()).filter((k) => art[k] === 0);
      const data = cut((c, t) => xd[t + total * c]!, keep.map((k) => trial[k]!), s0, T, total, file);
      parts.push({ data, shape: [keep.length, N_EEG, T], labels: Int32Array.from(keep, (k) => y[k]! - 1), sampleRate: FS, channels, times });
    }
    if (parts.length === 0) throw new EegFormatError('mat5', file, 'no trials found');
    return concatTrials(parts);
  }

  const raw = readGdf(await readFileBytes(gdfPath, 'gdf'), { file: gdfPath });
  if (raw.channels.length < N_EEG) throw new EegFormatError('gdf', gdfPath, `expected 22 EEG (+3 EOG) channels, got ${raw.channels.length}`);
  const eegIdx = raw.channels.map((c, i) => (c.label.toUpperCase().startsWith('EOG') ? -1 : i)).filter((i) => i >= 0).slice(0, N_EEG);
  const toSample = (onset: number): number => Math.round(onset * (raw.sampleRate ?? FS));
  const trialStarts = raw.events.filter((e) => e.code === 768).map((e) => toSample(e.onset));
  const rejected = new Set(raw.events.filter((e) => e.code === 1023).map((e) => toSample(e.onset)));
  let classes: number[];
  const candidates = opts.labels ? [opts.labels] : [joinPath(root, `${stem}.mat`), joinPath(root, `${stem}_labels.mat`)];
  let found: Float64Array | undefined;
  for (const p of candidates) {
    if (!(await exists(p))) continue;
    const v = (await readMatAt(p)).variables.classlabel;
    if (v && isMatNumeric(v)) {
      found = matToFloat64(v);
      break;
    }
  }
  if (found) {
    if (found.length !== trialStarts.length) throw new EegFormatError('gdf', gdfPath, `${found.length} true labels for ${trialStarts.length} trials (event 768)`);
    classes = Array.from(found, (v) => v - 1);
  } else {
    // Without the true-label file, take the cue events 769–772 (training files only).
    const cues = raw.events.filter((e) => e.code !== undefined && e.code >= 769 && e.code <= 772);
    if (cues.length !== trialStarts.length) throw new EegFormatError('gdf', gdfPath, 'no true-label MAT file (classlabel) found and the cue events do not match the trials');
    classes = cues.map((e) => e.code! - 769);
  }
  const keep = Array.from(trialStarts.keys()).filter((k) => !rejected.has(trialStarts[k]!));
  const total = raw.signals[0]?.length ?? 0;
  const data = cut((c, t) => raw.signals[eegIdx[c]!]![t]!, keep.map((k) => trialStarts[k]!), s0, T, total, gdfPath);
  return {
    data, shape: [keep.length, N_EEG, T], labels: Int32Array.from(keep, (k) => classes[k]!), sampleRate: FS,
    channels: eegIdx.map((i) => raw.channels[i]!.label), times,
  };
}
