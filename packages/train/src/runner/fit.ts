import type { Callback } from '../callbacks/callback.js';
import { disposeAll, iterate, loaderLength } from './batch.js';
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
  /** @internal Running sum/count of the current epoch's losses. */
  epochLossSum?: number;
  epochLossCount?: number;
  /** @internal Generators checkpointed with the run, and their states when the epoch began. */
  rngs?: RngLike[];
  epochStartRngStates?: unknown[];
}

/** Calls hook `name` of every callback, in order, awaiting each. */
export async function emit<K extends keyof Callback>(callbacks: readonly Callback[], name: K, ...args: unknown[]): Promise<void> {
  for (const cb of callbacks) {
    const f = cb[name] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof f === 'function') await f.apply(cb, args);
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
async function evalDuring(runner: Runner, opts: FitOptions): Promise<void> {
  const step = runner.state.step;
  const r = await runner.evaluate(opts.devLoader!);
  const h: History = runner.history;
  const name = runner.scoreName;
  const score = name === 'loss' ? -r.loss : (r[name] ?? Number.NaN);
  h.devLosses.push([step, r.loss]);
  h.devScores.push([step, name === 'loss' ? r.loss : score]);
  h.evaluations.push({ step, ...r });
  const shown = name === 'loss' ? r.loss : score;
  runner.log(`[Evaluate] step: ${step}, dev ${name}: ${shown.toFixed(5)}, dev loss: ${r.loss.toFixed(5)}`);
  const tie = score === runner.bestScore && (opts.tieBreak ?? 'dev_loss') === 'dev_loss' && r.loss < runner.bestDevLoss;
  if (score > runner.bestScore || tie) {
    const prev = runner.bestScore;
    runner.bestScore = score;
    runner.bestDevLoss = r.loss;
    if (opts.savePath !== undefined) {
      await runner.saveModel(opts.savePath);
      const fmt = (v: number): string => (name === 'loss' ? -v : v).toFixed(5);
      const what = tie ? `dev loss ${r.loss.toFixed(5)} at equal ${name}` : `${Number.isFinite(prev) ? fmt(prev) : '-'} --> ${fmt(score)}`;
      runner.log(`[Evaluate] best ${name} has been updated: ${what} (saved to ${opts.savePath})`);
    }
  }
  const logs: Logs = {};
  for (const [k, v] of Object.entries(r)) logs[`dev_${k}`] = v;
  runner.lastDevLogs = logs;
  await emit(runner.callbacks, 'onEvalEnd', runner, step, logs);
}

/** The body of {@link Runner.fit}. */
export async function runFit(runner: Runner, trainLoader: BatchLoader, opts: FitOptions): Promise<History> {
  checkOptions(opts);
  const callbacks = [...(opts.callbacks ?? [])];
  runner.callbacks = callbacks;
  runner.resetStop();
  const rngs = [...(opts.rngs ?? [])];
  const auto = loaderRng(trainLoader);
  if (auto && !rngs.includes(auto)) rngs.push(auto);
  const n = loaderLength(trainLoader);
  runner.state = {
    epoch: 0,
    step: 0,
    epochs: opts.epochs,
    batchInEpoch: 0,
    stepsPerEpoch: n,
    totalSteps: n === undefined ? undefined : n * opts.epochs,
    epochLossSum: 0,
    epochLossCount: 0,
    rngs,
    epochStartRngStates: rngs.map((g) => g.getState()),
  };
  runner.history.clear();
  runner.bestScore = Number.NEGATIVE_INFINITY;
  runner.bestDevLoss = Number.POSITIVE_INFINITY;
  runner.lastDevLogs = {};
  if (opts.resumeFrom !== undefined) {
    await runner.loadCheckpoint(opts.resumeFrom);
    runner.state.epochs = opts.epochs;
    runner.state.totalSteps = n === undefined ? undefined : n * opts.epochs;
    runner.log(`[Train] resumed from ${opts.resumeFrom} at epoch ${runner.state.epoch}, step ${runner.state.step}`);
  }
  const st = runner.state;
  const logSteps = opts.logSteps ?? 100;
  const evalSteps = opts.evalSteps ?? 0;
  const lr = (): number => runner.optimizer.paramGroups[0]?.lr ?? Number.NaN;
  runner.model.train();
  await emit(callbacks, 'onTrainBegin', runner);
  let lastLogs: Logs = {};
  for (let epoch = st.epoch; epoch < opts.epochs && runner.stoppedBecause === undefined; epoch++) {
    const skip = st.batchInEpoch;
    if (skip === 0) {
      st.epochStartRngStates = rngs.map((g) => g.getState());
      st.epochLossSum = 0;
      st.epochLossCount = 0;
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
      const value = await runner.trainStep(batch, opts.gradClip, async (loss) => {
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
      st.epochLossSum = (st.epochLossSum ?? 0) + value;
      st.epochLossCount = (st.epochLossCount ?? 0) + 1;
      if (logSteps > 0 && (step === 1 || step % logSteps === 0)) {
        runner.log(`[Train] epoch: ${epoch + 1}/${opts.epochs}, step: ${step}/${st.totalSteps ?? '?'}, loss: ${value.toFixed(5)}`);
      }
      if (runner.scheduler && runner.schedulerInterval === 'step') runner.scheduler.step();
      await emit(callbacks, 'onBatchEnd', runner, step, { loss: value, lr: lr() });
      if (evalSteps > 0 && (step % evalSteps === 0 || step === st.totalSteps)) await evalDuring(runner, opts);
      if (runner.stoppedBecause !== undefined) {
        complete = st.stepsPerEpoch !== undefined && b === st.stepsPerEpoch;
        break;
      }
    }
    if (!complete) break;
    const epochLoss = (st.epochLossSum ?? 0) / Math.max(1, st.epochLossCount ?? 0);
    runner.history.epochLosses.push([st.step, epochLoss]);
    if (runner.scheduler && runner.schedulerInterval === 'epoch') runner.scheduler.step();
    st.epoch = epoch + 1;
    st.batchInEpoch = 0;
    if (evalSteps === 0 && opts.devLoader) await evalDuring(runner, opts);
    lastLogs = { loss: epochLoss, lr: lr(), ...runner.lastDevLogs };
    await emit(callbacks, 'onEpochEnd', runner, epoch, lastLogs);
  }
  if (runner.stoppedBecause !== undefined) runner.log(`[Train] stopped early at step ${st.step}: ${runner.stoppedBecause}`);
  await emit(callbacks, 'onTrainEnd', runner, lastLogs);
  runner.log('[Train] Training done!');
  return runner.history;
}
