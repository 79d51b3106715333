import * as tf from '@tensorflow/tfjs-core';
import { DataLoader, Generator, irisSplits, type EegTrials } from '@nnkit/data';
import { loadBCICIV2b } from '@nnkit/data/node';
import { EEGTCNet, trainWithinSubject } from '@nnkit/eeg';
import { backward, crossEntropy, Linear, Sequential, Sigmoid } from '@nnkit/nn';
import { manualSeed } from '@nnkit/tensor';
import { SGD } from '@nnkit/train';

/** What a workload reports after each epoch (for soak measurements). */
export type EpochHook = (epoch: number) => void;

/**
 * The iris tutorial's training loop (MLP 4-6-3, sigmoid, SGD lr 0.2, batch 16, shuffled by a
 * seeded generator): the loss of every step, in order.
 */
export async function irisLosses(seed: number, epochs: number, onEpoch?: EpochHook): Promise<number[]> {
  manualSeed(seed);
  const { train } = irisSplits({ seed });
  const loader = new DataLoader(train, { batchSize: 16, shuffle: true, generator: new Generator(seed) });
  const model = new Sequential(new Linear(4, 6), new Sigmoid(), new Linear(6, 3));
  const opt = new SGD(model.parameters(), { lr: 0.2 });
  const losses: number[] = [];
  for (let e = 1; e <= epochs; e++) {
    for await (const batch of loader) {
      const [x, y] = batch as unknown as [tf.Tensor, tf.Tensor];
      opt.zeroGrad();
      const loss = backward(() => crossEntropy(model.call(x), y), model);
      opt.step();
      losses.push(loss.dataSync()[0]!);
      [x, y, loss].forEach((t) => t.dispose());
    }
    onEpoch?.(e);
  }
  opt.zeroGrad();
  model.dispose();
  return losses;
}

/** `n` synthetic 3-channel trials of `T` samples (two classes, a class-dependent rhythm), deterministic. */
export function syntheticTrials(n: number, T: number): EegTrials {
  const data = new Float32Array(n * 3 * T);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 3; c++)
      for (let t = 0; t < T; t++) data[(i * 3 + c) * T + t] = Math.sin((t * (8 + 4 * labels[i]!)) / 250 + c + i) + 0.3 * Math.sin(t * 0.37 + i * 1.3);
  return { data, shape: [n, 3, T], labels, sampleRate: 250, channels: ['C3', 'Cz', 'C4'], times: Float32Array.from({ length: T }, (_, t) => t / 250) };
}

/** The first `n` trials of `t`. */
export function firstTrials(t: EegTrials, n: number): EegTrials {
  const per = t.shape[1] * t.shape[2];
  return { ...t, data: t.data.subarray(0, n * per), shape: [n, t.shape[1], t.shape[2]], labels: t.labels.subarray(0, n) };
}

/** BCI IV 2b subject 1, sessions 1–3 (train) — undefined when the data is not there. */
export async function load2b(root: string): Promise<EegTrials | undefined> {
  try {
    return await loadBCICIV2b({ subject: 1, sessions: 'train', root });
  } catch {
    return undefined;
  }
}

/**
 * EEG-TCNet (3 channels, 2 classes) trained within-subject with the package recipe (Adam, seeded
 * init and shuffle): the mean training loss of every epoch.
 */
export async function eegTcnetLosses(seed: number, epochs: number, train: EegTrials, test: EegTrials, opts: { batchSize?: number; onEpoch?: EpochHook } = {}): Promise<number[]> {
  const losses: number[] = [];
  const r = await trainWithinSubject({
    train,
    test,
    epochs,
    seed,
    batchSize: opts.batchSize ?? 64,
    createModel: () => new EEGTCNet({ nChans: 3, nClasses: 2 }),
    onEpoch: (info) => {
      losses.push(info.loss);
      opts.onEpoch?.(info.epoch);
    },
  });
  r.model.dispose();
  return losses;
}
