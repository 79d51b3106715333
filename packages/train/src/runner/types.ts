import type { Module } from '@nnkit/nn';
import type { Metric } from '@nnkit/metrics';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Optimizer } from '../optim/optimizer.js';
import type { Callback } from '../callbacks/callback.js';
import type { ModelStorage } from './storage.js';
import type { DataParallelLike } from '../parallel/data-parallel.js';

/**
 * One batch from a loader: a `[x, y]` tuple (what `DataLoader` over a `TensorDataset` yields)
 * or an object with `x` and `y` (`{ x, y }`; `{ input, target }` is read too). For `predict`,
 * a bare tensor `x` is accepted. The Runner disposes every tensor of a batch after using it.
 *
 * @example
 * ```ts
 * const batch: Batch = [tensor2d([[0.1, 0.2, 0.3, 0.4]]), tensor1d([2], 'int32')]; // x: [B, 4], y: [B]
 * ```
 */
export type Batch = readonly [Tensor, Tensor, ...unknown[]] | { x: Tensor; y: Tensor } | { input: Tensor; target: Tensor };

/** What `fit`, `evaluate` and `predict` iterate: any (async) iterable of batches, e.g. a `DataLoader`. */
export type BatchLoader<B = unknown> = AsyncIterable<B> | Iterable<B>;

/** A loss: a function `(outputs, targets) → scalar` or a loss module (`new CrossEntropyLoss()`). */
export type LossFn = ((outputs: Tensor, targets: Tensor) => Tensor) | (Module & { call(outputs: Tensor, targets: Tensor): Tensor });

/** A learning-rate scheduler the Runner steps and checkpoints (every `LRScheduler` of this package). */
export interface SchedulerLike {
  step(): void;
  stateDict(): Record<string, unknown>;
  loadStateDict(state: Record<string, unknown>): void;
}

/** A random generator whose state a checkpoint stores, e.g. `@nnkit/data`'s `Generator`. */
export interface RngLike {
  getState(): unknown;
  setState(state: never): unknown;
}

/** Options of the {@link Runner} constructor. */
export interface RunnerOptions {
  /** The model; `model.call(x)` gives the outputs. */
  model: Module;
  /** Optimizer over the model's parameters. */
  optimizer: Optimizer<{ lr: number }>;
  /** Loss between outputs and targets (scalar). */
  lossFn: LossFn;
  /** Streaming metrics for evaluation (the first one is the dev score); default none. */
  metrics?: Metric<unknown> | readonly Metric<unknown>[];
  /** Learning-rate scheduler stepped by the Runner (see `schedulerInterval`) and saved in checkpoints. */
  scheduler?: SchedulerLike;
  /** Step the scheduler after every `'epoch'` (default) or every optimisation `'step'` (OneCycleLR). */
  schedulerInterval?: 'epoch' | 'step';
  /** Where `saveModel`/`loadModel`/checkpoints read and write; default files in Node, IndexedDB in browsers. */
  storage?: ModelStorage;
  /** Print `[Train]`/`[Evaluate]` lines (default `console.log`; `null` silences them). */
  log?: ((line: string) => void) | null;
}

/** Gradient clipping in `fit`: a max L2 norm, or `{ maxNorm, normType }`, or `{ value }` (clip each entry). */
export type GradClip = number | { maxNorm: number; normType?: number } | { value: number };

/** Options of {@link Runner.fit}. */
export interface FitOptions {
  /** Number of epochs (in total, counting those done before a resume). */
  epochs: number;
  /** Development loader: evaluated every `evalSteps` steps (or at each epoch end when `evalSteps` is 0). */
  devLoader?: BatchLoader;
  /** Print the step loss every `logSteps` steps (and at step 1); 0 = never. Default 100. */
  logSteps?: number;
  /** Evaluate on `devLoader` every `evalSteps` steps and at the last step; 0 (default) = at each epoch end. */
  evalSteps?: number;
  /** Save the model (weights + metadata) here whenever the dev score beats the best so far. */
  savePath?: string;
  /**
   * When a dev score equals the best so far: `'dev_loss'` (default) takes the new model as
   * the best if its dev loss is lower; `'first'` keeps the first one (the tutorial's RunnerV3,
   * `dev_score > best_score`). With small dev sets ties are common, and `'first'` tends to keep
   * an under-trained model (iris, 10 seeds, PyTorch: 0.953 test accuracy with `'first'`, 0.993
   * with `'dev_loss'`).
   */
  tieBreak?: 'dev_loss' | 'first';
  /** Callbacks (hooks on train/epoch/batch/eval begin and end). */
  callbacks?: readonly Callback[];
  /** Clip gradients before every optimizer step. */
  gradClip?: GradClip;
  /** Path of a checkpoint written by `saveCheckpoint` (or `ModelCheckpoint({ full: true })`) to continue from. */
  resumeFrom?: string;
  /**
   * Random generators to checkpoint with the run (e.g. the `Generator` of a shuffling
   * `DataLoader`). A loader's `sampler.generator` is registered automatically; nnkit's global
   * RNG (`@nnkit/tensor`) always is.
   */
  rngs?: readonly RngLike[];
  /**
   * Compute each batch's gradients on worker replicas (data parallel): `startDataParallel` from
   * `@nnkit/train/node` (worker threads) or `DataParallel.start` (browser Web Workers). The
   * optimizer, clipping and callbacks run on the main thread as usual; the workers' loss
   * replaces `lossFn` in training (evaluation still uses `lossFn`). See `DataParallel` for the
   * batch-norm semantics.
   */
  dataParallel?: DataParallelLike;
}

/** Logs passed to callbacks: `loss` (train), `dev_loss`, `dev_<metric>`, `lr`, ... */
export type Logs = Record<string, number>;

/** What {@link Runner.evaluate} returns: the mean loss and every metric by name. */
export type EvalResult = { loss: number } & Record<string, number>;
