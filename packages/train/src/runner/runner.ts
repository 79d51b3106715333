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
   * `safetensors.torch.load_file`) and metadata (`<path>.json`: class, step, epoch, score, and
   * the weights' size and SHA-256).
   *
   * With `{ freshWeights: true }` the weights go to a new file
   * (`<path>-<step>-<id>.safetensors`), and `<path>.json`, which names that file, is written after
   * it: the commit point. Saving again to the same path is then crash-safe — a crash at any moment
   * leaves the previous pair or the new one, never new weights beside old metadata — and the
   * weights files of earlier saves are removed after the commit. `loadModel(path)` follows the
   * name either way.
   *
   * @example
   * ```ts
   * await runner.saveModel('out/best'); // out/best.safetensors + out/best.json
   * await runner.saveModel('out/best', {}, { freshWeights: true }); // out/best-120-….safetensors + out/best.json
   * ```
   */
  async saveModel(path: string, extra: Record<string, unknown> = {}, opts: SaveModelOptions = {}): Promise<void> {
    const { weights: plain, meta } = modelPaths(path);
    const base = meta.slice(0, -'.json'.length);
    const stem = base.slice(base.lastIndexOf('/') + 1);
    const name = opts.freshWeights ? `${stem}-${this.state.step}-${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}.safetensors` : undefined;
    const weights = name !== undefined ? `${base.slice(0, base.length - stem.length)}${name}` : plain;
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
    const withFile = { ...info, weights: { ...(name !== undefined ? { name } : {}), bytes: bytes.length, ...(sha256 !== undefined ? { sha256 } : {}) } };
    await this.storage.write(weights, bytes);
    await this.storage.write(meta, `${JSON.stringify(withFile, null, 2)}\n`);
    if (name !== undefined) await removeOtherWeights(this.storage, base, stem, name);
  }

  /**
   * Loads weights saved by {@link Runner.saveModel} (or any safetensors file with the model's
   * keys) into the model; returns the metadata (`{}` when there is no `.json`). Where the JSON
   * names its weights file (`freshWeights` saves), that file is read, after checking it exists.
   *
   * @example
   * ```ts
   * const meta = await runner.loadModel('out/best'); // meta.step, meta.bestScore
   * ```
   */
  async loadModel(path: string): Promise<Record<string, unknown>> {
    const paths = modelPaths(path);
    const meta = paths.meta;
    let weights = paths.weights;
    let info: Record<string, unknown> = {};
    if (await this.storage.exists(meta)) {
      const parsed = parseModelMeta(await this.storage.read(meta), meta);
      if (parsed.name !== undefined) {
        weights = `${meta.slice(0, meta.lastIndexOf('/') + 1)}${parsed.name}`;
        if (!(await this.storage.exists(weights))) throw new FormatError('nnkit-model', meta, `names the weights file ${parsed.name}, which is missing (removed, or an interrupted copy)`);
      }
      const bytes = await this.storage.read(weights);
      info = await checkModelMeta(parsed.checker, parsed.o, bytes, weights);
      return this.loadWeights(bytes, weights, info);
    }
    return this.loadWeights(await this.storage.read(weights), weights, info);
  }

  private loadWeights(bytes: Uint8Array, weights: string, info: Record<string, unknown>): Record<string, unknown> {
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

/** Options of {@link Runner.saveModel}. */
export interface SaveModelOptions {
  /**
   * Write the weights under a fresh name (`<path>-<step>-<id>.safetensors`) that `<path>.json`
   * records, then the JSON (the commit point), then remove the weights of earlier saves: crash-safe
   * when saving to the same path again (as `ModelCheckpoint({ bestOnly: true, full: false })` does).
   * Default false: the weights go to `<path>.safetensors`.
   */
  freshWeights?: boolean;
}

/** Removes `<stem>-….safetensors` weights of earlier or interrupted saves beside `keep` (and a plain `<stem>.safetensors`). */
async function removeOtherWeights(s: ModelStorage, base: string, stem: string, keep: string): Promise<void> {
  const dir = base.slice(0, base.length - stem.length);
  const stale = s.list ? (await s.list(dir.replace(/\/$/, '') || '.')).filter((n) => n !== keep && (n === `${stem}.safetensors` || (n.startsWith(`${stem}-`) && /^-\d+-[0-9a-z]+\.safetensors$/.test(n.slice(stem.length))))) : [];
  for (const n of stale) await s.remove(`${dir}${n}`);
}

/** Parses a saved model's metadata (`<path>.json`) and, where it records one, the name of its weights file. */
function parseModelMeta(bytes: Uint8Array, file: string): { checker: JsonChecker; o: Record<string, unknown>; name: string | undefined } {
  const c = new JsonChecker('nnkit-model', file);
  const o = c.parse(bytes);
  if (o.format !== undefined && o.format !== 'nnkit.model.v1') c.fail(`not nnkit model metadata (format ${JSON.stringify(o.format)?.slice(0, 40)})`);
  let name: string | undefined;
  if (o.weights !== undefined) {
    const w = c.object(o.weights, "'weights'");
    if (w.name !== undefined) {
      name = c.string(w, 'name');
      if (!/^[\w.-]+\.safetensors$/.test(name)) c.fail(`'weights.name' must be a plain .safetensors file name, got ${JSON.stringify(name).slice(0, 60)}`);
    }
  }
  return { checker: c, o, name };
}

/**
 * Checks a saved model's parsed metadata: `epoch`/`step` are non-negative integers and
 * `bestScore` a finite number or null when present, and — for files written since the weights'
 * digest is recorded — that `weights` matches the weights file.
 */
async function checkModelMeta(c: JsonChecker, o: Record<string, unknown>, weights: Uint8Array, weightsFile: string): Promise<Record<string, unknown>> {
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
