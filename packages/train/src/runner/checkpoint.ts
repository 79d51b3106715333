import { readSafetensors, saveSafetensors } from '@nnkit/nn';
import type { Tensor } from '@tensorflow/tfjs-core';
import { FormatError, getRngState, NnkitError, type RngState, setRngState } from '@nnkit/tensor';
import { readOptimizerState, saveOptimizerState } from '../optim/state-io.js';
import { disposeStateDict, type OptimizerStateDict } from '../optim/optimizer.js';
import { describe, JsonChecker } from './checkpoint-schema.js';
import { checkModelDict, fileDigest, restoreOnError } from './load-guard.js';
import type { History } from './history.js';
import type { LoopState } from './fit.js';
import type { Runner } from './runner.js';
import type { ModelStorage } from './storage.js';

const FORMAT = 'nnkit.checkpoint.v2';
const FORMAT_V1 = 'nnkit.checkpoint.v1';
const ERR = 'nnkit-checkpoint';
/** Data files of a checkpoint, by role. */
const ROLES = ['model', 'optimizer', 'callbacks'] as const;
type Role = (typeof ROLES)[number];

/** One data file of a checkpoint as listed in its `state.json`. */
export interface CheckpointFile {
  /** File name inside the checkpoint folder (unique per save: `model-<step>-<id>.safetensors`). */
  name: string;
  bytes: number;
  /** Hex SHA-256 of the bytes (absent where Web Crypto is not available). */
  sha256?: string;
}

/** The JSON part of a full checkpoint (`<dir>/state.json`): progress, RNGs, … and the list of its data files. */
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
  /** The data files this state belongs to (model, optimizer, callbacks' tensors). */
  files: Partial<Record<Role, CheckpointFile>>;
}

/**
 * Writes a checkpoint into `dir` so that a crash at any moment leaves either the previous
 * checkpoint or the new one, never a mix: the data files get fresh names
 * (`model-<step>-<id>.safetensors`, `optimizer-…`, `callbacks-…`), each written atomically, and
 * `state.json` — which lists them with their sizes and SHA-256 — is written last, atomically: it
 * is the commit point. Files no longer listed are removed after.
 */
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
    files: {},
  };
  const data: Partial<Record<Role, Uint8Array>> = {
    model: saveSafetensors(runner.model.stateDict(), { format: 'pt' }),
    optimizer: saveOptimizerState(runner.optimizer),
  };
  // Callbacks' tensors (EarlyStopping's best weights), keyed `<callback index>.<name>`.
  if (loop.callbacks.some((cb) => typeof cb.tensorState === 'function')) {
    const tensors: Record<string, Tensor> = {};
    loop.callbacks.forEach((cb, i) => {
      for (const [k, t] of Object.entries(cb.tensorState?.() ?? {})) tensors[`${i}.${k}`] = t;
    });
    data.callbacks = saveSafetensors(tensors);
  }
  const s = runner.storage;
  const id = `${st.step}-${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
  for (const role of ROLES) {
    const bytes = data[role];
    if (!bytes) continue;
    const f: CheckpointFile = { name: `${role}-${id}.safetensors`, bytes: bytes.length };
    const sha = await fileDigest(bytes);
    if (sha !== undefined) f.sha256 = sha;
    await s.write(`${dir}/${f.name}`, bytes);
    state.files[role] = f;
  }
  await s.write(`${dir}/state.json`, `${JSON.stringify(state)}\n`);
  await removeUnlisted(s, dir, state.files);
}

/** Removes data files of earlier or interrupted saves from `dir` (those `files` does not list). */
async function removeUnlisted(s: ModelStorage, dir: string, files: CheckpointState['files']): Promise<void> {
  if (!s.list) return;
  const keep = new Set(Object.values(files).map((f) => f!.name));
  for (const n of await s.list(dir)) {
    if (keep.has(n) || !/^(model|optimizer|callbacks)(-[\w-]+)?\.safetensors$/.test(n)) continue;
    await s.remove(`${dir}/${n}`);
  }
}

/**
 * Deletes the checkpoint `dir`: `state.json` (its commit point) first, so that an interrupted
 * removal leaves an incomplete folder, never a checkpoint that loads with missing parts.
 */
export async function removeCheckpoint(s: ModelStorage, dir: string): Promise<void> {
  await s.remove(`${dir}/state.json`);
  await s.remove(dir);
}

/** Validates a parsed `state.json` (v1 or v2) field by field. */
function checkState(c: JsonChecker, o: Record<string, unknown>): CheckpointState {
  if (o.format !== FORMAT && o.format !== FORMAT_V1) c.fail(`not an nnkit checkpoint (format ${describe(o.format)})`);
  c.count(o, 'epoch');
  const step = c.count(o, 'step');
  const batchInEpoch = c.count(o, 'batchInEpoch');
  if (batchInEpoch > step) c.fail(`batchInEpoch ${batchInEpoch} is more than the ${step} steps taken`);
  c.finite(o, 'epochLossSum');
  c.count(o, 'epochLossCount');
  c.finiteOrNull(o, 'bestScore');
  c.finiteOrNull(o, 'bestDevLoss');
  if (o.scheduler !== null) c.object(o.scheduler, "'scheduler'");
  const rng = c.object(o.rng, "'rng'");
  if (rng.algorithm !== 'splitmix32' || !Number.isSafeInteger(rng.seed) || !Number.isSafeInteger(rng.state)) c.fail(`'rng' is not a generator state: ${describe(rng)}`);
  c.array(o, 'rngs');
  const h = c.object(o.history, "'history'");
  for (const k of ['stepLosses', 'devLosses', 'devScores']) c.points(h, k);
  c.points(h, 'epochLosses', true);
  if (h.evaluations !== undefined && !Array.isArray(h.evaluations)) c.fail("'history.evaluations' must be an array");
  if (h.scoreName !== undefined && typeof h.scoreName !== 'string') c.fail("'history.scoreName' must be a string");
  c.object(o.callbacks, "'callbacks'");
  c.numbers(o, 'lastDevLogs');
  if (o.format === FORMAT) {
    const files = c.object(o.files, "'files'");
    for (const [role, f] of Object.entries(files)) {
      if (!(ROLES as readonly string[]).includes(role)) c.fail(`'files' lists an unknown role '${role}'`);
      const e = c.object(f, `'files.${role}'`);
      const name = c.string(e, 'name');
      if (!/^[\w.-]+$/.test(name) || name === '.' || name === '..') c.fail(`'files.${role}.name' must be a plain file name, got ${describe(name)}`);
      c.count(e, 'bytes');
      if (e.sha256 !== undefined && !(typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.sha256))) c.fail(`'files.${role}.sha256' must be 64 hex digits`);
    }
    if (!files.model || !files.optimizer) c.fail("'files' must list the model and the optimizer");
  } else {
    o.files = { model: { name: 'model.safetensors' }, optimizer: { name: 'optimizer.safetensors' } };
  }
  return o as unknown as CheckpointState;
}

/** Reads one listed data file and checks its size and digest against `state.json`. */
async function readListed(s: ModelStorage, dir: string, f: CheckpointFile | { name: string }): Promise<Uint8Array> {
  const path = `${dir}/${f.name}`;
  if (!(await s.exists(path))) throw new FormatError(ERR, path, 'missing: the checkpoint is incomplete (an interrupted save or removal)');
  const bytes = await s.read(path);
  if ('bytes' in f && bytes.length !== f.bytes) throw new FormatError(ERR, path, `has ${bytes.length} bytes, state.json says ${f.bytes}: not the file this state was saved with`);
  if ('sha256' in f && f.sha256 !== undefined) {
    const sha = await fileDigest(bytes);
    if (sha !== undefined && sha !== f.sha256) throw new FormatError(ERR, path, 'its SHA-256 does not match state.json: not the file this state was saved with');
  }
  return bytes;
}

/**
 * Restores everything {@link saveCheckpoint} wrote into the runner's model, optimizer, scheduler
 * and history, its private `loop` state and the registered generators. All-or-nothing: `state.json` is checked field by field, every data file against its
 * size and digest, the weights against the model's keys, shapes and dtypes and the optimizer state
 * against the optimizer before anything is assigned; should an assignment still fail, the model,
 * optimizer, scheduler, RNGs and callbacks are put back as they were.
 *
 * @throws FormatError naming the file and the reason; StorageError when a file cannot be read
 */
export async function loadCheckpoint(runner: Runner, loop: LoopState, dir: string): Promise<void> {
  const s = runner.storage;
  const statePath = `${dir}/state.json`;
  if (!(await s.exists(statePath))) {
    throw new FormatError(ERR, dir, 'no state.json: not a complete checkpoint (was it written by saveCheckpoint?)');
  }
  const c = new JsonChecker(ERR, statePath);
  const state = checkState(c, c.parse(await s.read(statePath)));
  const rngs = loop.rngs;
  if (state.rngs.length !== rngs.length) {
    c.fail(
      `holds ${state.rngs.length} generator state(s) but this fit registers ${rngs.length}; ` +
        'pass the same rngs (and a loader with the same shuffling generator) as the interrupted run',
    );
  }
  const modelPath = `${dir}/${state.files.model!.name}`;
  const optPath = `${dir}/${state.files.optimizer!.name}`;
  const modelBytes = await readListed(s, dir, state.files.model!);
  const optBytes = await readListed(s, dir, state.files.optimizer!);
  let cbPath: string | undefined;
  let cbBytes: Uint8Array | undefined;
  if (state.files.callbacks) {
    cbPath = `${dir}/${state.files.callbacks.name}`;
    cbBytes = await readListed(s, dir, state.files.callbacks);
  } else if ((state.format as string) === FORMAT_V1 && (await s.exists(`${dir}/callbacks.safetensors`))) {
    cbPath = `${dir}/callbacks.safetensors`;
    cbBytes = await s.read(cbPath);
  }
  const weights = parseTensors(modelBytes, modelPath);
  let opt: OptimizerStateDict | undefined;
  let cbTensors: Record<string, Tensor> | undefined;
  try {
    checkModelDict(runner.model, weights, modelPath);
    opt = readOptimizerState(runner.optimizer, optBytes, optPath);
    if (cbBytes) cbTensors = parseTensors(cbBytes, cbPath!);
    restoreOnError(runner, loop, statePath, () => {
      if (state.scheduler && runner.scheduler) runner.scheduler.loadStateDict(state.scheduler);
      setRngState(state.rng);
      rngs.forEach((g, i) => g.setState(state.rngs[i] as never));
      loop.callbacks.forEach((cb, i) => {
        const cs = state.callbacks[String(i)];
        if (cs !== undefined && typeof cb.loadStateDict === 'function') cb.loadStateDict(cs);
      });
      if (cbTensors) {
        const all = cbTensors;
        loop.callbacks.forEach((cb, i) => {
          const mine: Record<string, Tensor> = {};
          for (const [k, t] of Object.entries(all)) if (k.startsWith(`${i}.`)) mine[k.slice(`${i}.`.length)] = t;
          if (typeof cb.loadTensorState === 'function') {
            for (const k of Object.keys(mine)) delete all[`${i}.${k}`];
            cb.loadTensorState(mine);
          }
        });
      }
      runner.model.loadStateDict(weights);
      runner.optimizer.loadStateDict(opt!);
    });
  } finally {
    for (const t of Object.values(weights)) t.dispose();
    if (opt) disposeStateDict(opt);
    for (const t of Object.values(cbTensors ?? {})) t.dispose();
  }
  runner.history.load(state.history);
  loop.bestScore = state.bestScore ?? Number.NEGATIVE_INFINITY;
  loop.bestDevLoss = state.bestDevLoss ?? Number.POSITIVE_INFINITY;
  loop.lastDevLogs = { ...state.lastDevLogs };
  Object.assign(loop.progress, { epoch: state.epoch, step: state.step, batchInEpoch: state.batchInEpoch });
  loop.epochLossSum = state.epochLossSum;
  loop.epochLossCount = state.epochLossCount;
  loop.epochStartRngStates = state.rngs;
}

/** safetensors bytes → tensors, errors naming `file`. */
function parseTensors(bytes: Uint8Array, file: string): Record<string, Tensor> {
  try {
    return readSafetensors(bytes).tensors;
  } catch (e) {
    if (e instanceof NnkitError) throw new FormatError(ERR, file, e instanceof FormatError ? e.reason : e.message, { cause: e });
    throw e;
  }
}

