import { loadSafetensors, saveSafetensors } from '@nnkit/nn';
import type { Tensor } from '@tensorflow/tfjs-core';
import { getRngState, type RngState, setRngState, StateError, FormatError, StorageError } from '@nnkit/tensor';
import { loadOptimizerState, saveOptimizerState } from '../optim/state-io.js';
import type { History } from './history.js';
import type { LoopState } from './fit.js';
import type { Runner } from './runner.js';
import { parseJson } from './parse-json.js';

const FORMAT = 'nnkit.checkpoint.v1';

/** The JSON part of a full checkpoint (`<dir>/state.json`). */
export interface CheckpointState {
  format: typeof FORMAT;
  epoch: number;
  step: number;
  batchInEpoch: number;
  epochLossSum: number;
  epochLossCount: number;
  bestScore: number | null;
  bestDevLoss: number | null;
  scheduler: Record<string, unknown> | null;
  /** nnkit's global RNG (`@nnkit/tensor`'s `getRngState`). */
  rng: RngState;
  /** The registered generators: their current states at an epoch boundary, their epoch-start states mid-epoch. */
  rngs: unknown[];
  history: ReturnType<History['toJSON']>;
  callbacks: Record<string, unknown>;
  lastDevLogs: Record<string, number>;
  savedAt: string;
}

/** Writes `<dir>/model.safetensors`, `<dir>/optimizer.safetensors`, the callbacks' tensors (`callbacks.safetensors`, when any) and, last, `<dir>/state.json`. */
export async function saveCheckpoint(runner: Runner, loop: LoopState, dir: string): Promise<void> {
  const st = loop.progress;
  const rngs = loop.rngs;
  const callbacks: Record<string, unknown> = {};
  loop.callbacks.forEach((cb, i) => {
    if (typeof cb.stateDict === 'function') callbacks[String(i)] = cb.stateDict();
  });
  const state: CheckpointState = {
    format: FORMAT,
    epoch: st.epoch,
    step: st.step,
    batchInEpoch: st.batchInEpoch,
    epochLossSum: loop.epochLossSum,
    epochLossCount: loop.epochLossCount,
    bestScore: Number.isFinite(loop.bestScore) ? loop.bestScore : null,
    bestDevLoss: Number.isFinite(loop.bestDevLoss) ? loop.bestDevLoss : null,
    scheduler: runner.scheduler ? runner.scheduler.stateDict() : null,
    rng: getRngState(),
    rngs: st.batchInEpoch > 0 ? loop.epochStartRngStates : rngs.map((g) => g.getState()),
    history: runner.history.toJSON(),
    callbacks,
    lastDevLogs: { ...loop.lastDevLogs },
    savedAt: new Date().toISOString(),
  };
  const s = runner.storage;
  await s.write(`${dir}/model.safetensors`, saveSafetensors(runner.model.stateDict(), { format: 'pt' }));
  await s.write(`${dir}/optimizer.safetensors`, saveOptimizerState(runner.optimizer));
  // Callbacks' tensors (EarlyStopping's best weights), keyed `<callback index>.<name>`.
  const tensors: Record<string, Tensor> = {};
  loop.callbacks.forEach((cb, i) => {
    for (const [k, t] of Object.entries(cb.tensorState?.() ?? {})) tensors[`${i}.${k}`] = t;
  });
  if (loop.callbacks.some((cb) => typeof cb.tensorState === 'function')) await s.write(`${dir}/callbacks.safetensors`, saveSafetensors(tensors));
  await s.write(`${dir}/state.json`, `${JSON.stringify(state)}\n`);
}

/** Restores everything {@link saveCheckpoint} wrote into the runner's model, optimizer, scheduler and history, its private `loop` state and the registered generators. */
export async function loadCheckpoint(runner: Runner, loop: LoopState, dir: string): Promise<void> {
  const s = runner.storage;
  if (!(await s.exists(`${dir}/state.json`))) {
    throw new StorageError(dir, 'Runner: no complete checkpoint here (state.json missing; was it written by saveCheckpoint?)');
  }
  const state = parseJson(await s.read(`${dir}/state.json`), 'nnkit-checkpoint', `${dir}/state.json`) as CheckpointState;
  if (state.format !== FORMAT) throw new FormatError('nnkit-checkpoint', `${dir}/state.json`, `not an nnkit checkpoint (format ${String(state.format)})`);
  const rngs = loop.rngs;
  if (state.rngs.length !== rngs.length) {
    throw new StateError('Runner',
        `the checkpoint '${dir}' holds ${state.rngs.length} generator state(s) but this fit registers ${rngs.length}; ` +
          'pass the same rngs (and a loader with the same shuffling generator) as the interrupted run',
      );
  }
  const weights = loadSafetensors(await s.read(`${dir}/model.safetensors`));
  try {
    runner.model.loadStateDict(weights);
  } finally {
    for (const t of Object.values(weights)) t.dispose();
  }
  loadOptimizerState(runner.optimizer, await s.read(`${dir}/optimizer.safetensors`));
  if (state.scheduler && runner.scheduler) runner.scheduler.loadStateDict(state.scheduler);
  setRngState(state.rng);
  rngs.forEach((g, i) => g.setState(state.rngs[i] as never));
  runner.history.load(state.history);
  loop.bestScore = state.bestScore ?? Number.NEGATIVE_INFINITY;
  loop.bestDevLoss = state.bestDevLoss ?? Number.POSITIVE_INFINITY;
  loop.lastDevLogs = { ...state.lastDevLogs };
  loop.callbacks.forEach((cb, i) => {
    const c = state.callbacks[String(i)];
    if (c !== undefined && typeof cb.loadStateDict === 'function') cb.loadStateDict(c);
  });
  if (await s.exists(`${dir}/callbacks.safetensors`)) {
    const all = loadSafetensors(await s.read(`${dir}/callbacks.safetensors`));
    loop.callbacks.forEach((cb, i) => {
      const mine = Object.fromEntries(
        Object.entries(all)
          .filter(([k]) => k.startsWith(`${i}.`))
          .map(([k, t]) => [k.slice(`${i}.`.length), t]),
      );
      for (const k of Object.keys(mine)) delete all[`${i}.${k}`];
      if (typeof cb.loadTensorState === 'function') cb.loadTensorState(mine);
      else for (const t of Object.values(mine)) t.dispose();
    });
    for (const t of Object.values(all)) t.dispose();
  }
  Object.assign(loop.progress, { epoch: state.epoch, step: state.step, batchInEpoch: state.batchInEpoch });
  loop.epochLossSum = state.epochLossSum;
  loop.epochLossCount = state.epochLossCount;
  loop.epochStartRngStates = state.rngs;
}
