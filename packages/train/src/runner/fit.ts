import { backward } from '@nnkit/nn';
import type { Callback, CallbackEvents, CallbackHook } from '../callbacks/callback.js';
import { clipGradNorm_, clipGradValue_ } from '../optim/clip-grad.js';
import { disposeAll, iterate, loaderLength, splitBatch } from './batch.js';
import type { History } from './history.js';
import type { Runner } from './runner.js';
import type { BatchLoader, FitOptions, Logs, RngLike } from './types.js';
import { ArgumentError } from '@nnkit/tensor';

/** Progress of a `fit` (stored in checkpoints). Epochs count from 0, steps from 1. */
export interface FitState {
  /** Completed epochs. */
  epoch: number;
  /** Completed optimisation steps (global). */
  step: number;
  /** Epochs requested. */
  epochs: number;
  /** Batches of the current epoch already used (0 at an epoch boundary). */
  batchInEpoch: number;
  /** Batches per epoch, when the loader has a `length`. */
  stepsPerEpoch: number | undefined;
  /** `stepsPerEpoch * epochs`, when known. */
  totalSteps: number | undefined;
}

/**
 * Everything the fit loop mutates, owned privately by one {@link Runner} and handed by it to
 * {@link runFit}, {@link saveCheckpoint} and {@link loadCheckpoint}; the Runner exposes read-only
 * views of it (`state`, `bestScore`, …). Not exported from the package.
 */
export interface LoopState {
  progress: FitState;
  /** Running sum/count of the current epoch's losses. */
  epochLossSum: number;
  epochLossCount: number;
  /** Generators checkpointed with the run, and their states when the epoch began. */
  rngs: RngLike[];
  epochStartRngStates: unknown[];
  bestScore: number;
  bestDevLoss: number;
  callbacks: readonly Callback[];
  lastDevLogs: Logs;
  stopReason: string | undefined;
}

/** The state of a Runner that has not fitted yet. */
export function newLoopState(): LoopState {
  return {
    progress: { epoch: 0, step: 0, epochs: 0, batchInEpoch: 0, stepsPerEpoch: undefined, totalSteps: undefined },
    epochLossSum: 0,
    epochLossCount: 0,
    rngs: [],
    epochStartRngStates: [],
    bestScore: Number.NEGATIVE_INFINITY,
    bestDevLoss: Number.POSITIVE_INFINITY,
    callbacks: [],
    lastDevLogs: {},
    stopReason: undefined,
  };
}

/** Calls hook `name` of every callback, in order, awaiting each, with the arguments the event map types for it. */
export async function emit<K extends CallbackHook>(callbacks: readonly Callback[], name: K, ...args: CallbackEvents[K]): Promise<void> {
  for (const cb of callbacks) {
    const f = cb[name] as ((...a: CallbackEvents[K]) => unknown) | undefined;
    if (typeof f === 'function') await f.apply(cb, args);
  }
}

/** One optimisation step of `runner` on a batch (disposed); returns the loss value. */
async function trainStep(runner: Runner, batch: unknown, opts: FitOptions, beforeUpdate: (loss: number) => Promise<boolean>): Promise<number> {
  const { gradClip, dataParallel } = opts;
  try {
    const { x, y } = splitBatch(batch, 'Runner.fit');
    runner.optimizer.zeroGrad();
    let value: number;
    if (dataParallel) value = await dataParallel.backward(runner.model, x, y!);
    else {
      const loss = backward(() => runner.computeLoss(runner.forward(x), y!), runner.model);
      value = loss.dataSync()[0]!;
      loss.dispose();
    }
    if (!(await beforeUpdate(value))) return value;
    if (gradClip !== undefined) {
      const params = runner.model.parameters();
      if (typeof gradClip === 'number') clipGradNorm_(params, gradClip);
      else if ('value' in gradClip) clipGradValue_(params, gradClip.value);
      else clipGradNorm_(params, gradClip.maxNorm, { normType: gradClip.normType ?? 2 });
    }
    runner.optimizer.step();
    return value;
  } finally {
    disposeAll(batch);
  }
}

/** The loader's shuffling generator (`loader.sampler.generator`), when it has one. */
function loaderRng(loader: unknown): RngLike | undefined {
  const g = (loader as { sampler?: { generator?: unknown } })?.sampler?.generator as RngLike | undefined;
  return g && typeof g.getState === 'function' && typeof g.setState === 'function' ? g : undefined;
}

function checkOptions(opts: FitOptions): void {
  if (!opts || !Number.isInteger(opts.epochs) || opts.epochs < 0) {
    throw new ArgumentError('Runner.fit', `epochs must be a non-negative integer, got ${opts?.epochs}`);
  }
  for (const k of ['logSteps', 'evalSteps'] as const) {
    const v = opts[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new ArgumentError('Runner.fit', `${k} must be a non-negative integer, got ${v}`);
  }
  if ((opts.evalSteps ?? 0) > 0 && !opts.devLoader) throw new ArgumentError('Runner.fit', 'evalSteps needs a devLoader');
  if (opts.savePath !== undefined && !opts.devLoader) throw new ArgumentError('Runner.fit', 'savePath (best model on the dev score) needs a devLoader');
}

/** Evaluates on the dev loader during `fit`: history, best-model saving, `onEvalEnd`. */
async function evalDuring(runner: Runner, loop: LoopState, opts: FitOptions): Promise<void> {
  const step = loop.progress.step;
  const r = await runner.evaluate(opts.devLoader!);
  const h: History = runner.history;
  const name = runner.scoreName;
  const score = name === 'loss' ? -r.loss : (r[name] ?? Number.NaN);
  h.devLosses.push([step, r.loss]);
  h.devScores.push([step, name === 'loss' ? r.loss : score]);
  h.evaluations.push({ step, ...r });
  const shown = name === 'loss' ? r.loss : score;
  runner.log(`[Evaluate] step: ${step}, dev ${name}: ${shown.toFixed(5)}, dev loss: ${r.loss.toFixed(5)}`);
  const tie = score === loop.bestScore && (opts.tieBreak ?? 'dev_loss') === 'dev_loss' && r.loss < loop.bestDevLoss;
  if (score > loop.bestScore || tie) {
    const prev = loop.bestScore;
    loop.bestScore = score;
    loop.bestDevLoss = r.loss;
    if (opts.savePath !== undefined) {
      await runner.saveModel(opts.savePath);
      const fmt = (v: number): string => (name === 'loss' ? -v : v).toFixed(5);
      const what = tie ? `dev loss ${r.loss.toFixed(5)} at equal ${name}` : `${Number.isFinite(prev) ? fmt(prev) : '-'} --> ${fmt(score)}`;
      runner.log(`[Evaluate] best ${name} has been updated: ${what} (saved to ${opts.savePath})`);
    }
  }
  const logs: Logs = {};
  for (const [k, v] of Object.entries(r)) logs[`dev_${k}`] = v;
  loop.lastDevLogs = logs;
  await emit(loop.callbacks, 'onEvalEnd', runner, step, logs);
}

/** The body of {@link Runner.fit}: writes only `loop` (the Runner's private state) and the Runner's history. */
export async function runFit(runner: Runner, loop: LoopState, trainLoader: BatchLoader, opts: FitOptions): Promise<History> {
  checkOptions(opts);
  const callbacks = [...(opts.callbacks ?? [])];
  const rngs = [...(opts.rngs ?? [])];
  const auto = loaderRng(trainLoader);
  if (auto && !rngs.includes(auto)) rngs.push(auto);
  const n = loaderLength(trainLoader);
  Object.assign(loop, newLoopState(), {
    progress: { epoch: 0, step: 0, epochs: opts.epochs, batchInEpoch: 0, stepsPerEpoch: n, totalSteps: n === undefined ? undefined : n * opts.epochs },
    callbacks,
    rngs,
    epochStartRngStates: rngs.map((g) => g.getState()),
  });
  runner.history.clear();
  if (opts.resumeFrom !== undefined) {
    await runner.loadCheckpoint(opts.resumeFrom);
    loop.progress.epochs = opts.epochs;
    loop.progress.totalSteps = n === undefined ? undefined : n * opts.epochs;
    runner.log(`[Train] resumed from ${opts.resumeFrom} at epoch ${loop.progress.epoch}, step ${loop.progress.step}`);
  }
  const st = loop.progress;
  const logSteps = opts.logSteps ?? 100;
  const evalSteps = opts.evalSteps ?? 0;
  const lr = (): number => runner.optimizer.paramGroups[0]?.lr ?? Number.NaN;
  runner.model.train();
  await emit(callbacks, 'onTrainBegin', runner);
  let lastLogs: Logs = {};
  for (let epoch = st.epoch; epoch < opts.epochs && runner.stoppedBecause === undefined; epoch++) {
    const skip = st.batchInEpoch;
    if (skip === 0) {
      loop.epochStartRngStates = rngs.map((g) => g.getState());
      loop.epochLossSum = 0;
      loop.epochLossCount = 0;
    }
    await emit(callbacks, 'onEpochBegin', runner, epoch);
    let b = 0;
    let complete = true;
    for await (const batch of iterate(trainLoader, 'Runner.fit')) {
      if (b < skip) {
        disposeAll(batch);
        b++;
        continue;
      }
      const step = st.step + 1;
      await emit(callbacks, 'onBatchBegin', runner, step);
      let skipped = false as boolean;
      const value = await trainStep(runner, batch, opts, async (loss) => {
        await emit(callbacks, 'onBackwardEnd', runner, step, { loss, lr: lr() });
        skipped = runner.stoppedBecause !== undefined;
        return !skipped;
      });
      if (skipped) {
        // stopped before the update (e.g. NaN guard): the step is not counted
        complete = false;
        break;
      }
      b++;
      st.batchInEpoch = b;
      st.step = step;
      runner.history.stepLosses.push([step, value]);
      loop.epochLossSum += value;
      loop.epochLossCount += 1;
      if (logSteps > 0 && (step === 1 || step % logSteps === 0)) {
        runner.log(`[Train] epoch: ${epoch + 1}/${opts.epochs}, step: ${step}/${st.totalSteps ?? '?'}, loss: ${value.toFixed(5)}`);
      }
      if (runner.scheduler && runner.schedulerInterval === 'step') runner.scheduler.step();
      await emit(callbacks, 'onBatchEnd', runner, step, { loss: value, lr: lr() });
      if (evalSteps > 0 && (step % evalSteps === 0 || step === st.totalSteps)) await evalDuring(runner, loop, opts);
      if (runner.stoppedBecause !== undefined) {
        complete = st.stepsPerEpoch !== undefined && b === st.stepsPerEpoch;
        break;
      }
    }
    if (!complete) break;
    const epochLoss = loop.epochLossSum / Math.max(1, loop.epochLossCount);
    runner.history.epochLosses.push([st.step, epochLoss]);
    if (runner.scheduler && runner.schedulerInterval === 'epoch') runner.scheduler.step();
    st.epoch = epoch + 1;
    st.batchInEpoch = 0;
    if (evalSteps === 0 && opts.devLoader) await evalDuring(runner, loop, opts);
    lastLogs = { loss: epochLoss, lr: lr(), ...loop.lastDevLogs };
    await emit(callbacks, 'onEpochEnd', runner, epoch, lastLogs);
  }
  if (runner.stoppedBecause !== undefined) runner.log(`[Train] stopped early at step ${st.step}: ${runner.stoppedBecause}`);
  await emit(callbacks, 'onTrainEnd', runner, lastLogs);
  runner.log('[Train] Training done!');
  return runner.history;
}
