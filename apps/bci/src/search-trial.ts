// One trial of the per-subject grid search: EEG-TCNet with the trial's hyper-parameters trained by
// the article's recipe on the fold's training trials of the subject's sessions 01-03, scored on
// the fold's held-out trials. Run by gridSearch (worker threads) or by nnkit-worker (queue).
import { EEGTCNet, type TrialArrays, trainWithinSubject } from '@nnkit/eeg';
import { initBackend } from '@nnkit/tensor';
import type { TrialContext } from '@nnkit/train';

/** The shared data of a subject's search: its training-session trials. */
export interface SubjectData {
  subject: number;
  data: Float32Array;
  labels: Int32Array;
  shape: [number, number, number];
  length: number;
  epochs: number;
}

export async function setup(): Promise<void> {
  await initBackend();
}

function pick(d: SubjectData, idx: readonly number[]): TrialArrays {
  const [, c, s] = d.shape;
  const data = new Float32Array(idx.length * c * s);
  idx.forEach((i, k) => data.set(d.data.subarray(i * c * s, (i + 1) * c * s), k * c * s));
  return { data, shape: [idx.length, c, s], labels: Int32Array.from(idx, (i) => d.labels[i]!) };
}

export async function trial(ctx: TrialContext<SubjectData>): Promise<Record<string, number>> {
  await initBackend();
  const d = ctx.data;
  const p = ctx.params as { KE?: number; pe?: number; pt?: number; L?: number; FT?: number; KT?: number; F1?: number };
  const r = await trainWithinSubject({
    createModel: () => new EEGTCNet({ nChans: d.shape[1], nClasses: 2, ...p }),
    train: pick(d, ctx.trainIndex),
    test: pick(d, ctx.testIndex),
    epochs: d.epochs,
    seed: ctx.seed + d.subject,
    onEpoch: (e) => ctx.progress?.({ epoch: e.epoch, epochs: d.epochs, loss: Number(e.loss.toFixed(4)) }),
  });
  r.model.dispose();
  return { accuracy: r.accuracy, kappa: r.kappa };
}
