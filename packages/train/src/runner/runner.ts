import { loadSafetensors, type Module, noGrad, saveSafetensors } from '@nnkit/nn';
import type { Metric } from '@nnkit/metrics';
import { concat, type Tensor } from '@tensorflow/tfjs-core';
import type { Optimizer } from '../optim/optimizer.js';
import type { Callback } from '../callbacks/callback.js';
import { disposeAll, isTensor, iterate, splitBatch } from './batch.js';
import { History } from './history.js';
import { defaultStorage, type ModelStorage } from './storage.js';
import { type FitState, type LoopState, newLoopState, runFit } from './fit.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { BatchLoader, EvalResult, FitOptions, Logs, LossFn, RunnerOptions, SchedulerLike } from './types.js';
import { ArgumentError, FormatError, StateError } from '@nnkit/tensor';
import { JsonChecker } from './checkpoint-schema.js';
import { checkModelDict, fileDigest } from './load-guard.js';

/** Weights file and metadata file of a model path: `best` / `best.safetensors` → `best.safetensors` + `best.json`. */
export function modelPaths(path: string): { weights: string; meta: string } {
  const base = path.endsWith('.safetensors') ? path.slice(0, -'.safetensors'.length) : path;
  return { weights: `${base}.safetensors`, meta: `${base}.json` };
}

/**
 * The training loop of the iris tutorial's `RunnerV3`, as one component: `fit` (train with
 * `logSteps`/`evalSteps`, keep the best model on the dev score, callbacks, gradient clipping,
 * resume), `evaluate` (`{ loss, ...metrics }`, no tape, eval mode), `predict`, `saveModel` /
 * `loadModel` (safetensors weights + JSON metadata), and a {@link History} to plot.
 *
 * Batches are `[x, y]` tuples or `{ x, y }` objects (see {@link Batch}); the Runner disposes them.
 *
 * @example
 * ```ts
 * const runner = new Runner({ model, optimizer: new SGD(model.parameters(), { lr: 0.2 }),
 *   lossFn: new CrossEntropyLoss(), metrics: [new Accuracy()] });
 * await runner.fit(trainLoader, { epochs: 150, devLoader, logSteps: 100, evalSteps: 50, savePath: 'out/best' });
 * await runner.loadModel('out/best');
 * const { loss, accuracy } = await runner.evaluate(testLoader);
 * ```
 */
export class Runner {
  readonly model: Module;
  readonly optimizer: Optimizer<{ lr: number }>;
  readonly lossFn: LossFn;
  readonly metrics: readonly Metric<unknown>[];
  readonly scheduler: SchedulerLike | undefined;
  readonly schedulerInterval: 'epoch' | 'step';
  readonly storage: ModelStorage;
  /** Step losses, epoch losses, dev losses and dev scores of the current run. */
  readonly history = new History();
  readonly log: (line: string) => void;
  /** Everything the fit loop mutates; only `fit`, the checkpoint functions and `stop` write it. */
  private readonly loop: LoopState = newLoopState();

  /** Best dev score so far (the first metric; `-dev_loss` when there is none). */
  get bestScore(): number {
    return this.loop.bestScore;
  }

  /** Dev loss of the best evaluation (breaks ties of the score, see `FitOptions.tieBreak`). */
  get bestDevLoss(): number {
    return this.loop.bestDevLoss;
  }

  /** Progress of the current (or last) `fit`: completed epochs, global step, etc. (a snapshot). */
  get state(): Readonly<FitState> {
    return { ...this.loop.progress };
  }

  /** Callbacks of the current (or last) `fit`. */
  get callbacks(): readonly Callback[] {
    return this.loop.callbacks;
  }

  /** Logs of the last evaluation during `fit` (`dev_loss`, `dev_<metric>`; a copy). */
  get lastDevLogs(): Readonly<Logs> {
    return { ...this.loop.lastDevLogs };
  }

  constructor(opts: RunnerOptions) {
    if (!opts || !opts.model || !opts.optimizer || !opts.lossFn) {
      throw new ArgumentError('Runner', 'expected { model, optimizer, lossFn, metrics?, scheduler? }');
    }
    this.model = opts.model;
    this.optimizer = opts.optimizer;
    this.lossFn = opts.lossFn;
    const m = opts.metrics;
    this.metrics = m === undefined ? [] : Array.isArray(m) ? [...(m as Metric<unknown>[])] : [m as Metric<unknown>];
    this.scheduler = opts.scheduler;
    this.schedulerInterval = opts.schedulerInterval ?? 'epoch';
    this.storage = opts.storage ?? defaultStorage();
    const log = opts.log === undefined ? (l: string) => console.log(l) : opts.log;
    this.log = log ?? (() => {});
    this.history.scoreName = this.metrics[0]?.name ?? 'loss';
  }

  /** Name of the dev score (the first metric's name, or `loss`). */
  get scoreName(): string {
    return this.history.scoreName;
  }

  /** Asks `fit` to stop after the current step; `reason` is printed and kept in {@link Runner.stoppedBecause}. */
  stop(reason = 'stopped by a callback'): void {
    this.loop.stopReason ??= reason;
  }

  /** Why the last `fit` stopped early, or undefined. */
  get stoppedBecause(): string | undefined {
    return this.loop.stopReason;
  }

  /**
   * Trains for `epochs` epochs (see {@link FitOptions}); returns the history. A fresh `fit`
   * starts a new run (steps from 1, history cleared); `resumeFrom` continues a checkpointed one.
   */
  async fit(trainLoader: BatchLoader, opts: FitOptions): Promise<History> {
    return runFit(this, this.loop, trainLoader, opts);
  }

  /** The model's outputs for `x` (`model.call(x)`), with the current mode and tape. */
  forward(x: Tensor): Tensor {
    return (this.model as unknown as { call(x: Tensor): Tensor }).call(x);
  }

  /** The loss of `outputs` against `targets` with the Runner's `lossFn`. */
  computeLoss(outputs: Tensor, targets: Tensor): Tensor {
    const f = this.lossFn;
    return typeof f === 'function' ? f(outputs, targets) : f.call(outputs, targets);
  }

  /**
   * Mean loss (per sample) and every metric over `loader`, with no gradient tape, in eval mode;
   * the model returns to its previous mode after. Metrics accumulate over all batches.
   *
   * @example
   * ```ts
   * const { loss, accuracy } = await runner.evaluate(devLoader);
   * ```
   */
  async evaluate(loader: BatchLoader): Promise<EvalResult> {
    const wasTraining = this.model.training;
    this.model.eval();
    for (const m of this.metrics) m.reset();
    let total = 0;
    let count = 0;
    try {
      for await (const batch of iterate(loader, 'Runner.evaluate')) {
        try {
          const { x, y } = splitBatch(batch, 'Runner.evaluate');
          const loss = noGrad(() => {
            const out = this.forward(x);
            for (const m of this.metrics) m.update(out, y!);
            return this.computeLoss(out, y!);
          });
          const n = y!.shape[0] ?? 1;
          total += loss.dataSync()[0]! * n;
          count += n;
          loss.dispose();
        } finally {
          disposeAll(batch);
        }
      }
    } finally {
      this.model.train(wasTraining);
    }
    if (count === 0) throw new StateError('Runner.evaluate', 'the loader yielded no batches');
    const out: EvalResult = { loss: total / count };
    for (const m of this.metrics) {
      const v = m.compute();
      if (typeof v === 'number') out[m.name] = v;
      else if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) if (typeof x === 'number') out[k] = x;
      }
    }
    return out;
  }

  /**
   * Model outputs in eval mode without a tape (the model's mode is restored after): for a tensor
   * `x` `[B, ...]` the outputs `[B, ...]`; for a loader, the outputs of every batch concatenated
   * along dim 0 (batches may be `x`, `[x, y]` or `{ x }`; they are disposed).
   *
   * @example
   * ```ts
   * const logits = runner.predict(x); // [B, C]
   * const all = await runner.predict(testLoader); // [N, C]
   * ```
   */
  predict(x: Tensor): Tensor;
  predict(loader: BatchLoader): Promise<Tensor>;
  predict(input: Tensor | BatchLoader): Tensor | Promise<Tensor> {
    const run = (x: Tensor): Tensor => {
      const was = this.model.training;
      this.model.eval();
      try {
        return noGrad(() => this.forward(x));
      } finally {
        this.model.train(was);
      }
    };
    if (isTensor(input)) return run(input);
    return (async () => {
      const parts: Tensor[] = [];
      try {
        for await (const batch of iterate(input, 'Runner.predict')) {
          try {
            parts.push(run(splitBatch(batch, 'Runner.predict', false).x));
          } finally {
            disposeAll(batch);
          }
        }
        if (!parts.length) throw new StateError('Runner.predict', 'the loader yielded no batches');
        return parts.length === 1 ? parts.pop()! : concat(parts, 0);
      } finally {
        for (const p of parts) p.dispose();
      }
    })();
  }

  /**
   * Saves the weights (`<path>.safetensors`, PyTorch keys, loadable with
   * `safetensors.torch.load_file`) and metadata (`<path>.json`: class, step, epoch, score).
   *
   * @example
   * ```ts
   * await runner.saveModel('out/best'); // out/best.safetensors + out/best.json
   * ```
   */
  async saveModel(path: string, extra: Record<string, unknown> = {}): Promise<void> {
    const { weights, meta } = modelPaths(path);
    const bytes = saveSafetensors(this.model.stateDict(), { format: 'pt' });
    const info = {
      format: 'nnkit.model.v1',
      model: this.model.constructor.name,
      epoch: this.state.epoch,
      step: this.state.step,
      scoreName: this.scoreName,
      bestScore: Number.isFinite(this.bestScore) ? this.bestScore : null,
      savedAt: new Date().toISOString(),
      ...extra,
    };
    const sha256 = await fileDigest(bytes);
    const withFile = { ...info, weights: { bytes: bytes.length, ...(sha256 !== undefined ? { sha256 } : {}) } };
    await this.storage.write(weights, bytes);
    await this.storage.write(meta, `${JSON.stringify(withFile, null, 2)}\n`);
  }

  /**
   * Loads weights saved by {@link Runner.saveModel} (or any safetensors file with the model's
   * keys) into the model; returns the metadata (`{}` when there is no `.json`).
   *
   * @example
   * ```ts
   * const meta = await runner.loadModel('out/best'); // meta.step, meta.bestScore
   * ```
   */
  async loadModel(path: string): Promise<Record<string, unknown>> {
    const { weights, meta } = modelPaths(path);
    const bytes = await this.storage.read(weights);
    const info = (await this.storage.exists(meta)) ? await readModelMeta(await this.storage.read(meta), meta, bytes, weights) : {};
    let tensors: Record<string, Tensor>;
    try {
      tensors = loadSafetensors(bytes);
    } catch (e) {
      if (e instanceof FormatError) throw new FormatError('nnkit-model', weights, e.reason, { cause: e });
      throw e;
    }
    try {
      checkModelDict(this.model, tensors, weights, 'nnkit-model');
      this.model.loadStateDict(tensors);
    } finally {
      for (const t of Object.values(tensors)) t.dispose();
    }
    return info;
  }

  /**
   * Writes a full training checkpoint into the folder `dir`: model, optimizer, scheduler,
   * epoch/step, nnkit's global RNG and the registered generators, history, callbacks' state.
   * `fit({ resumeFrom: dir })` continues from it.
   *
   * @example
   * ```ts
   * await runner.saveCheckpoint('ckpt/epoch-3');
   * ```
   */
  async saveCheckpoint(dir: string): Promise<void> {
    await saveCheckpoint(this, this.loop, dir);
  }

  /** Restores a checkpoint written by {@link Runner.saveCheckpoint} (used by `fit({ resumeFrom })`). */
  async loadCheckpoint(dir: string): Promise<void> {
    await loadCheckpoint(this, this.loop, dir);
  }
}

/**
 * Parses and checks a saved model's metadata (`<path>.json`): a JSON object whose `epoch`/`step`
 * are non-negative integers and `bestScore` a finite number or null when present, and — for
 * files written since the weights' digest is recorded — that `weights` matches the weights file.
 */
async function readModelMeta(bytes: Uint8Array, file: string, weights: Uint8Array, weightsFile: string): Promise<Record<string, unknown>> {
  const c = new JsonChecker('nnkit-model', file);
  const o = c.parse(bytes);
  if (o.format !== undefined && o.format !== 'nnkit.model.v1') c.fail(`not nnkit model metadata (format ${JSON.stringify(o.format)?.slice(0, 40)})`);
  if (o.epoch !== undefined) c.count(o, 'epoch');
  if (o.step !== undefined) c.count(o, 'step');
  if (o.bestScore !== undefined) c.finiteOrNull(o, 'bestScore');
  if (o.weights !== undefined) {
    const w = c.object(o.weights, "'weights'");
    const n = c.count(w, 'bytes');
    if (n !== weights.length) c.fail(`says the weights have ${n} bytes, ${weightsFile} has ${weights.length}: the two files come from different saves`);
    if (w.sha256 !== undefined) {
      const sha = await fileDigest(weights);
      if (sha !== undefined && sha !== w.sha256) c.fail(`the SHA-256 of ${weightsFile} does not match: the two files come from different saves`);
    }
  }
  return o;
}
