import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadBCICIV2a, loadBCICIV2b, loadEEGMMIDB } from '@nnkit/data/node';
import type { TrialArrays } from '@nnkit/eeg';
import { MissingError } from '@nnkit/tooling-cli';

/** The data sets `bci train` knows. */
export const DATASETS = ['bciciv2b', 'bciciv2a', 'eegmmidb'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** Train and test trials of one subject, with what the model needs to know. */
export interface SubjectSplit {
  train: TrialArrays;
  test: TrialArrays;
  nChans: number;
  nTimes: number;
  nClasses: number;
  classNames: string[];
  sampleRate: number;
  /** How the split was made. */
  split: string;
}

/** The files a subject needs, relative to the data folder. */
export function expectedFiles(dataset: DatasetName, subject: number): string[] {
  const s = String(subject);
  if (dataset === 'bciciv2b') return [1, 2, 3, 4, 5].map((k) => `B0${s}0${k}${k <= 3 ? 'T' : 'E'}.mat`);
  if (dataset === 'bciciv2a') return [`A0${s}T.mat`, `A0${s}E.mat`];
  const d = `S${s.padStart(3, '0')}`;
  return [4, 8, 12].flatMap((r) => [`${d}/${d}R${String(r).padStart(2, '0')}.edf`, `${d}/${d}R${String(r).padStart(2, '0')}.edf.event`]);
}

/** Checks the folder and the subject's files; the message names what is missing and where. */
export function checkDataDir(dataset: DatasetName, subject: number, dir: string): void {
  if (!existsSync(dir)) throw new MissingError(`data folder not found: ${dir} (pass --data-dir DIR)`);
  const missing = expectedFiles(dataset, subject).filter((f) => {
    if (dataset === 'bciciv2a' && f.endsWith('.mat')) return !existsSync(join(dir, f)) && !existsSync(join(dir, f.replace('.mat', '.gdf')));
    return !existsSync(join(dir, f));
  });
  if (missing.length > 0) {
    const n = readdirSync(dir).length;
    throw new MissingError(`missing ${missing.join(', ')} in ${dir} (${n === 0 ? 'the folder is empty' : `${n} other entries`}; pass --data-dir DIR)`);
  }
}

const sub = (t: TrialArrays, idx: number[]): TrialArrays => {
  const [, c, s] = t.shape;
  const data = new Float32Array(idx.length * c * s);
  idx.forEach((i, k) => data.set(t.data.subarray(i * c * s, (i + 1) * c * s), k * c * s));
  return { data, shape: [idx.length, c, s], labels: Int32Array.from(idx, (i) => t.labels[i]!) };
};

/** Keeps the first `k` trials. */
export const firstTrials = (t: TrialArrays, k: number | undefined): TrialArrays => (k === undefined || k >= t.shape[0] ? t : sub(t, Array.from({ length: k }, (_, i) => i)));

/**
 * Loads one subject: 2b sessions 01-03 train / 04-05 test; 2a `T` train / `E` test; EEGMMIDB
 * motor-imagery runs 4 and 8 train / run 12 test (left vs right fist).
 */
export async function loadSubject(dataset: DatasetName, subject: number, root: string): Promise<SubjectSplit> {
  checkDataDir(dataset, subject, root);
  if (dataset === 'bciciv2b') {
    const train = await loadBCICIV2b({ root, subject, sessions: 'train' });
    const test = await loadBCICIV2b({ root, subject, sessions: 'eval' });
    return { train, test, nChans: train.shape[1], nTimes: train.shape[2], nClasses: 2, classNames: ['left hand', 'right hand'], sampleRate: train.sampleRate, split: 'sessions 01-03 train, 04-05 test' };
  }
  if (dataset === 'bciciv2a') {
    const train = await loadBCICIV2a({ root, subject, split: 'train' });
    const test = await loadBCICIV2a({ root, subject, split: 'eval' });
    return { train, test, nChans: train.shape[1], nTimes: train.shape[2], nClasses: 4, classNames: ['left hand', 'right hand', 'feet', 'tongue'], sampleRate: train.sampleRate, split: 'T session train, E session test' };
  }
  const all = await loadEEGMMIDB({ root, subject });
  const idx = (keep: (run: number) => boolean): number[] => Array.from(all.runs).flatMap((r, i) => (keep(r) ? [i] : []));
  const train = sub(all, idx((r) => r !== 12));
  const test = sub(all, idx((r) => r === 12));
  return { train, test, nChans: all.shape[1], nTimes: all.shape[2], nClasses: 2, classNames: ['left fist', 'right fist'], sampleRate: all.sampleRate, split: 'runs 4 and 8 train, run 12 test' };
}
