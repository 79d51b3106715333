import { gather, softmax, type Tensor, tensor1d, tensor3d, tidy } from '@tensorflow/tfjs-core';
import { backward, crossEntropy, type Module, type Parameter } from '@nnkit/nn';
import { manualSeed, seededRandom, ArgumentError } from '@nnkit/tensor';
import { accuracy, cohenKappa } from '@nnkit/metrics';
import { Adam, type DataParallelLike } from '@nnkit/train';
import { applyChannelZScore, type ChannelZScore, fitChannelZScore, type TrialArrays } from './zscore.js';

/** What the recipe needs from an optimizer (`@nnkit/train`'s optimizers fit). */
export interface RecipeOptimizer {
  zeroGrad(): void;
  step(): void;
  dispose?(): void;
}

/** A model of this package: `[B, C, T]` → logits `[B, nClasses]`. */
export type EegClassifier = Module & { call(x: Tensor): Tensor };

/** Progress of one epoch, passed to `onEpoch`. */
export interface EpochInfo {
  /** 1-based epoch. */
  epoch: number;
  /** Mean training cross-entropy over the epoch. */
  loss: number;
  /** Wall-clock seconds of the epoch (training only). */
  seconds: number;
  /** Test accuracy, when evaluated this epoch (`evalEvery`). */
  testAccuracy?: number;
}

/** Options of {@link trainWithinSubject}; defaults are the EEG-TCNet article's recipe. */
export interface WithinSubjectOptions<M extends EegClassifier> {
  /** Builds a fresh model (called once, after seeding the global RNG with `seed`). */
  createModel: () => M;
  /** Training trials (e.g. sessions 1–3); the z-score is fitted on them only. */
  train: TrialArrays;
  /** Test trials (e.g. sessions 4–5). */
  test: TrialArrays;
  /** Epochs. Default 750. */
  epochs?: number;
  /** Mini-batch size. Default 64. */
  batchSize?: number;
  /** Adam learning rate. Default 1e-3. */
  lr?: number;
  /**
   * Optimizer factory; default: Adam (PyTorch's update, β 0.9/0.999, eps 1e-8) with `lr`.
   * E.g. `(ps) => new AdamW(ps, { lr: 1e-3 })` from `@nnkit/train`.
   */
  optimizer?: (params: Parameter[]) => RecipeOptimizer;
  /** Seed of the weight initialisation (`manualSeed`) and of the shuffling. Default 0. */
  seed?: number;
  /** Evaluate on the test set every k epochs (0: only at the end). Default 0. */
  evalEvery?: number;
  /** Called after every epoch. */
  onEpoch?: (info: EpochInfo) => void;
  /**
   * Compute each batch's gradients on worker replicas (`startDataParallel` from
   * `@nnkit/train/node`, whose model factory builds the same model; its loss must be
   * cross-entropy, the replicas' default). The optimizer still steps here.
   */
  dataParallel?: Pick<DataParallelLike, 'backward'>;
}

/** What {@link trainWithinSubject} returns. */
export interface WithinSubjectResult<M extends EegClassifier> {
  /** Test accuracy after the last epoch. */
  accuracy: number;
  /** Test Cohen's kappa after the last epoch. */
  kappa: number;
  /** Predicted class per test trial. */
  predictions: Int32Array;
  /** The trained model (eval mode); the caller disposes it. */
  model: M;
  /** The per-channel z-score fitted on the training trials (apply it to new data). */
  zscore: ChannelZScore;
  history: EpochInfo[];
  /** Mean seconds per training epoch. */
  secondsPerEpoch: number;
}

function checkTrials(name: string, t: TrialArrays): void {
  const [n, c, s] = t.shape;
  if (t.data.length !== n * c * s) throw new ArgumentError('trainWithinSubject', `${name}.data has ${t.data.length} values, shape [${t.shape.join(', ')}] needs ${n * c * s}`);
  if (t.labels.length !== n) throw new ArgumentError('trainWithinSubject', `${name} has ${n} trials but ${t.labels.length} labels`);
}

/**
 * Class probabilities `[N, nClasses]` of a model (eval mode) over trials `[N, C, T]`, in batches.
 * @example
 * ```ts
 * const probs = predictProba(model, xs, [n, 3, 1000]); // Float32Array, row-major [N, K]
 * ```
 */
export function predictProba(model: EegClassifier, data: Float32Array, shape: readonly [number, number, number], batchSize = 128): Float32Array {
  model.eval();
  const [n, c, t] = shape;
  const parts: Float32Array[] = [];
  for (let i = 0; i < n; i += batchSize) {
    const b = Math.min(batchSize, n - i);
    parts.push(tidy(() => softmax(model.call(tensor3d(data.subarray(i * c * t, (i + b) * c * t), [b, c, t]))).dataSync() as Float32Array));
  }
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The EEG-TCNet article's within-subject recipe: z-score per channel fitted on the training
 * trials, Adam (lr 1e-3), cross-entropy, mini-batches of 64 reshuffled every epoch, 750 epochs;
 * then accuracy and Cohen's kappa on the test trials (after the last epoch, as in the article).
 *
 * @param opts trials as arrays `data: [N, C, T]` + `labels` (no dependency on `@nnkit/data`).
 * @returns test accuracy/kappa, predictions, the trained model, the fitted z-score, history.
 * @throws Error when data and shapes or labels disagree.
 * @example
 * ```ts
 * const train = await loadBCICIV2b({ subject: 1, sessions: 'train' });
 * const test = await loadBCICIV2b({ subject: 1, sessions: 'eval' });
 * const r = await trainWithinSubject({ createModel: () => new EEGTCNet({ nChans: 3, nClasses: 2 }), train, test, epochs: 750 });
 * console.log(r.accuracy, r.kappa);
 * ```
 */
export async function trainWithinSubject<M extends EegClassifier>(opts: WithinSubjectOptions<M>): Promise<WithinSubjectResult<M>> {
  const { train, test } = opts;
  checkTrials('train', train);
  checkTrials('test', test);
  const epochs = opts.epochs ?? 750;
  const batchSize = opts.batchSize ?? 64;
  const seed = opts.seed ?? 0;
  const zscore = fitChannelZScore(train.data, train.shape);
  const xsTest = applyChannelZScore(test.data, test.shape, zscore);
  const nClasses = Math.max(...Array.from(train.labels), ...Array.from(test.labels)) + 1;
  manualSeed(seed);
  const model = opts.createModel();
  const opt = opts.optimizer ? opts.optimizer(model.parameters()) : new Adam(model.parameters(), { lr: opts.lr ?? 1e-3 });
  const x = tensor3d(applyChannelZScore(train.data, train.shape, zscore), [...train.shape]);
  const y = tensor1d(Int32Array.from(train.labels), 'int32');
  const n = train.shape[0];
  const shuffle = seededRandom(seed + 1);
  const history: EpochInfo[] = [];
  const evaluate = (): { probs: Float32Array; acc: number } => {
    const probs = predictProba(model, xsTest, test.shape);
    return { probs, acc: accuracy(toRows(probs, nClasses), Array.from(test.labels)) };
  };
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const t0 = performance.now();
      model.train();
      const perm = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(shuffle() * (i + 1));
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      let lossSum = 0;
      for (let i = 0; i < n; i += batchSize) {
        const idx = tensor1d(perm.subarray(i, Math.min(n, i + batchSize)), 'int32');
        const xb = gather(x, idx);
        const yb = gather(y, idx);
        opt.zeroGrad();
        let value: number;
        if (opts.dataParallel) value = await opts.dataParallel.backward(model, xb, yb);
        else {
          const loss = backward(() => crossEntropy(model.call(xb), yb), model);
          value = loss.dataSync()[0] ?? Number.NaN;
          loss.dispose();
        }
        opt.step();
        lossSum += value * idx.size;
        for (const t of [idx, xb, yb]) t.dispose();
      }
      const info: EpochInfo = { epoch, loss: lossSum / n, seconds: (performance.now() - t0) / 1000 };
      if (opts.evalEvery && epoch % opts.evalEvery === 0 && epoch !== epochs) info.testAccuracy = evaluate().acc;
      history.push(info);
      opts.onEpoch?.(info);
      await new Promise((r) => setTimeout(r, 0)); // let the event loop breathe (UI, progress output)
    }
  } finally {
    x.dispose();
    y.dispose();
    opt.zeroGrad();
    opt.dispose?.();
  }
  const { probs, acc } = evaluate();
  const rows = toRows(probs, nClasses);
  const predictions = Int32Array.from(rows, (r) => r.indexOf(Math.max(...r)));
  const labels = Array.from(test.labels);
  const last = history[history.length - 1];
  if (last) last.testAccuracy = acc;
  return {
    accuracy: acc,
    kappa: cohenKappa(rows, labels, { numClasses: nClasses }),
    predictions,
    model,
    zscore,
    history,
    secondsPerEpoch: history.reduce((s, h) => s + h.seconds, 0) / Math.max(1, history.length),
  };
}

function toRows(probs: Float32Array, k: number): number[][] {
  return Array.from({ length: probs.length / k }, (_, i) => Array.from(probs.subarray(i * k, (i + 1) * k)));
}
