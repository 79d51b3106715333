import { ArgumentError, StateError } from '@nnkit/tensor';
import { gridPoints, kFold, trialKey } from './grid.js';
import { appendResult, readResults } from './results-file.js';
import type { Params, SearchResult, SearchRow, SearchSpace, TrialContext, TrialExecutor, TrialFn, TrialModule, TrialOutcome, TrialRecord, TrialResult } from './types.js';
import { TrialWorkerPool } from './worker-pool.js';

/** Options of {@link gridSearch}. */
export interface GridSearchOptions<D = unknown> {
  /** The grid: every combination of these values is tried. */
  space: SearchSpace;
  /**
   * The trial: builds, trains and scores a model for one combination (and fold) — a function
   * (run in this thread) or a module export (run in worker threads). Give this or `build`.
   */
  trial?: TrialFn<D> | TrialModule;
  /** The same as `trial`, under the name of the EEG-TCNet article's search (`gridSearch({space, build, data, cv})`). */
  build?: TrialFn<D> | TrialModule;
  /** Shared data handed to every trial (structured-cloned into workers: typed arrays, plain objects). */
  data?: D;
  /** K-fold cross-validation: `k` or `{ k, shuffle, seed }`; omitted: one trial per combination. */
  cv?: number | { k: number; shuffle?: boolean; seed?: number };
  /** Number of samples to split into folds; default `data.length` (or `data.n`). */
  n?: number;
  /** Worker threads for a {@link TrialModule}: default `min(4, cores - 1)`; 0 runs it in this thread. */
  workers?: number;
  /** Node flags for the workers, e.g. `['--import', 'tsx']` to load a TypeScript trial module. */
  workerExecArgv?: readonly string[];
  /** JSONL file of finished trials: appended as trials finish; a rerun skips what it holds. */
  resultsFile?: string;
  /** Score to rank by; default the first score the trials return. */
  score?: string;
  /** `'max'` (default) or `'min'`. */
  mode?: 'max' | 'min';
  /** Seed given to every trial (`ctx.seed`) and to the fold shuffle. Default 0. */
  seed?: number;
  /** Called after each finished trial (progress). */
  onTrial?: (record: TrialRecord, done: number, total: number) => void;
  /**
   * Where the trials run when not here: e.g. `queueExecutor({ connection: 'redis://host:6379' })`
   * from `@nnkit/queue` spreads them over worker processes on any number of machines. The trial
   * must then be a {@link TrialModule}. Default: this thread, or worker threads (`workers`).
   */
  executor?: TrialExecutor;
}

const isModule = (t: unknown): t is TrialModule => typeof t === 'object' && t !== null && typeof (t as TrialModule).module === 'string';

function toScores(r: TrialResult, key: string): Record<string, number> {
  if (typeof r === 'number') return { score: r };
  if (r !== null && typeof r === 'object' && Object.values(r).every((v) => typeof v === 'number')) return { ...r };
  throw new ArgumentError('gridSearch', `trial ${key} must return a number or an object of numbers, got ${JSON.stringify(r)}`);
}

function sampleCount<D>(opts: GridSearchOptions<D>): number {
  if (opts.n !== undefined) return opts.n;
  const d = opts.data as { length?: unknown; n?: unknown } | undefined;
  if (typeof d?.length === 'number') return d.length;
  if (typeof d?.n === 'number') return d.n;
  throw new ArgumentError('gridSearch', 'cv needs the number of samples: pass n, or data with a length');
}

/** Groups trial records by parameters, averages the folds and ranks. */
export function rankTrials(records: readonly TrialRecord[], points: readonly Params[], score: string, mode: 'max' | 'min'): SearchRow[] {
  const rows: SearchRow[] = [];
  for (const params of points) {
    const key = trialKey(params);
    const rs = records.filter((r) => r.key === key);
    if (!rs.length) continue;
    const mean: Record<string, number> = {};
    const std: Record<string, number> = {};
    for (const k of Object.keys(rs[0]!.scores)) {
      const v = rs.map((r) => r.scores[k] ?? Number.NaN);
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      mean[k] = m;
      std[k] = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    }
    rows.push({ rank: 0, params, mean, std, folds: rs.length });
  }
  const val = (r: SearchRow): number => {
    const v = r.mean[score];
    return v === undefined || Number.isNaN(v) ? (mode === 'max' ? -Infinity : Infinity) : v;
  };
  rows.sort((a, b) => (mode === 'max' ? val(b) - val(a) : val(a) - val(b)));
  rows.forEach((r, i) => (r.rank = i + 1));
  return rows;
}

/**
 * Grid search with k-fold cross-validation (the per-subject search of the EEG-TCNet article):
 * every combination of `space` × every fold runs as one trial, in this thread or in parallel
 * Node worker threads; returns the combinations ranked by their mean score. With `resultsFile`,
 * finished trials are appended as JSON lines and an interrupted search resumes by skipping them.
 *
 * @example
 * ```ts
 * const res = await gridSearch({
 *   space: { lr: [1e-2, 1e-3], dropout: [0.25, 0.5] },
 *   trial: { module: new URL('./trial.js', import.meta.url).href, export: 'trial', setup: 'setup' },
 *   data: { x: features, y: labels, length: 288 }, cv: 5, workers: 2, resultsFile: 'search.jsonl',
 * });
 * console.log(formatSearchTable(res.rows)); // res.best.params
 * ```
 */
export async function gridSearch<D = unknown>(opts: GridSearchOptions<D>): Promise<SearchResult> {
  const points = gridPoints(opts.space);
  const cv = typeof opts.cv === 'number' ? { k: opts.cv } : opts.cv;
  const seed = opts.seed ?? 0;
  const folds = cv ? kFold(sampleCount(opts), cv.k, { shuffle: cv.shuffle ?? false, seed: cv.seed ?? seed }) : [{ train: [] as number[], test: [] as number[] }];
  const done = opts.resultsFile ? (await readResults(opts.resultsFile)).filter((r) => r.error === undefined) : [];
  const doneKeys = new Set(done.map((r) => `${r.key}#${r.fold}`));
  const records: TrialRecord[] = [...done];
  const failed: TrialRecord[] = [];
  const tasks: Array<Omit<TrialContext<D>, 'data'> & { key: string }> = [];
  for (const params of points) {
    const key = trialKey(params);
    folds.forEach((f, fold) => {
      if (doneKeys.has(`${key}#${fold}`)) return;
      tasks.push({ key, params, fold, folds: folds.length, trainIndex: cv ? f.train : [], testIndex: cv ? f.test : [], seed });
    });
  }
  const total = points.length * folds.length;
  const skipped = total - tasks.length;
  let finished = skipped;
  const record = async (t: (typeof tasks)[number], result: TrialResult, ms: number, attempts?: number): Promise<void> => {
    const { key, params, fold } = t;
    const rec: TrialRecord = { key, params, fold, scores: toScores(result, key), ms: Math.round(ms), ...(attempts !== undefined ? { attempts } : {}) };
    records.push(rec);
    if (opts.resultsFile) await appendResult(opts.resultsFile, rec);
    opts.onTrial?.(rec, ++finished, total);
  };
  const ctxOf = ({ key: _k, ...t }: (typeof tasks)[number]): Omit<TrialContext<D>, 'data'> => t;
  const trial = opts.trial ?? opts.build;
  if (trial === undefined) throw new ArgumentError('gridSearch', 'pass the trial as `trial` (or its alias `build`)');
  if (opts.trial !== undefined && opts.build !== undefined) throw new ArgumentError('gridSearch', 'pass either `trial` or `build`, not both');
  if (opts.executor) {
    const executor = opts.executor;
    if (!isModule(trial)) throw new ArgumentError('gridSearch', `the ${executor.name} executor runs trials in other processes: pass the trial as a module ({ module, export }), not a function`);
    const byId = new Map(tasks.map((t) => [`${t.key}#${t.fold}`, t]));
    const report = async (o: TrialOutcome): Promise<void> => {
      const t = byId.get(`${o.task.key}#${o.task.ctx.fold}`);
      if (!t) return;
      byId.delete(`${o.task.key}#${o.task.ctx.fold}`);
      if ('error' in o) {
        const rec: TrialRecord = { key: t.key, params: t.params, fold: t.fold, scores: {}, ms: Math.round(o.ms), error: o.error, ...(o.attempts !== undefined ? { attempts: o.attempts } : {}) };
        failed.push(rec);
        if (opts.resultsFile) await appendResult(opts.resultsFile, rec);
        opts.onTrial?.(rec, ++finished, total);
      } else await record(t, o.result, o.ms, o.attempts);
    };
    if (tasks.length) await executor.run({ trial, data: opts.data, tasks: tasks.map((t) => ({ key: t.key, ctx: ctxOf(t) })) }, report);
    return finish(records, failed, points, opts, skipped);
  }
  const cores = await availableCores();
  const workers = isModule(trial) ? (opts.workers ?? Math.max(1, Math.min(4, cores - 1))) : 0;
  if (workers > 0 && isModule(trial) && tasks.length) {
    const pool = await TrialWorkerPool.start(trial, Math.min(workers, tasks.length), opts.data, opts.workerExecArgv);
    try {
      await Promise.all(
        tasks.map(async (t) => {
          const t0 = performance.now();
          const r = await pool.run(ctxOf(t));
          await record(t, r, performance.now() - t0);
        }),
      );
    } finally {
      await pool.close();
    }
  } else if (tasks.length) {
    const fn: TrialFn<D> = isModule(trial) ? await importTrial<D>(trial) : trial;
    for (const t of tasks) {
      const t0 = performance.now();
      const r = await fn({ ...ctxOf(t), data: opts.data as D });
      await record(t, r, performance.now() - t0);
    }
  }
  return finish(records, failed, points, opts, skipped);
}

function finish<D>(records: TrialRecord[], failed: TrialRecord[], points: readonly Params[], opts: GridSearchOptions<D>, skipped: number): SearchResult {
  if (!records.length) {
    const why = failed.length ? `: all ${failed.length} trials failed, e.g. ${failed[0]!.error}` : '';
    throw new StateError('gridSearch', `no trial ran${why}`);
  }
  const score = opts.score ?? Object.keys(records[0]!.scores)[0]!;
  const rows = rankTrials(records, points, score, opts.mode ?? 'max');
  return { rows, best: rows[0]!, trials: records, skipped, score, failed };
}

async function availableCores(): Promise<number> {
  try {
    const os = await import('node:os');
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  } catch {
    return 1;
  }
}

/** Imports a trial module in this thread (workers: 0), running its `setup` export first. */
async function importTrial<D>(spec: TrialModule): Promise<TrialFn<D>> {
  const { pathToFileURL } = await import('node:url');
  const url = /^[a-z]+:/i.test(spec.module) && !/^[a-z]:[\\/]/i.test(spec.module) ? spec.module : pathToFileURL(spec.module).href;
  const mod = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  if (spec.setup) await (mod[spec.setup] as () => unknown)();
  const fn = mod[spec.export ?? 'trial'];
  if (typeof fn !== 'function') throw new ArgumentError('gridSearch', `export '${spec.export ?? 'trial'}' of ${spec.module} is not a function`);
  return fn as TrialFn<D>;
}
