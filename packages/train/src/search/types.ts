/** A hyper-parameter grid: each key lists the values to try (the search tries every combination). */
export type SearchSpace = Record<string, readonly unknown[]>;

/** One combination of hyper-parameters. */
export type Params = Record<string, unknown>;

/** What a trial gets: its parameters, its fold's sample indices, the shared data and a seed. */
export interface TrialContext<D = unknown> {
  params: Params;
  /** Fold number (0-based) and number of folds (1 without cross-validation). */
  fold: number;
  folds: number;
  /** Indices of the samples to train on / to score on (all / none without cross-validation). */
  trainIndex: number[];
  testIndex: number[];
  /** `GridSearchOptions.data`, as given (copied into each worker). */
  data: D;
  /** `GridSearchOptions.seed`: the same for every trial, so that trials compare fairly. */
  seed: number;
  /**
   * Set by executors that can move a trial between processes (the queue executor): a folder
   * that belongs to this trial alone and survives a retry on another worker. A trial that writes
   * checkpoints there (e.g. `Runner.fit({ checkpointDir, resumeFrom })`) resumes instead of
   * restarting. Absent for the local executors.
   */
  checkpointDir?: string;
  /** Set by executors that report progress (the queue executor): call it, e.g. once per epoch. */
  progress?: (info: Record<string, number | string>) => void;
}

/** A trial's scores: a number (named `score`) or several named numbers. */
export type TrialResult = number | Record<string, number>;

/** A trial run in this thread. */
export type TrialFn<D = unknown> = (ctx: TrialContext<D>) => TrialResult | Promise<TrialResult>;

/**
 * A trial run in worker threads: functions cannot cross threads, so the worker imports
 * `module` (a path or `file:` URL) and calls its export `export` (default `'trial'`, a
 * {@link TrialFn}); `setup` names an optional export called once per worker first (e.g. one that
 * runs `await initBackend()` — each worker has its own tfjs engine and backend).
 */
export interface TrialModule {
  module: string;
  export?: string;
  setup?: string;
}

/** One finished (params, fold) trial, as stored in the results file (one JSON line each). */
export interface TrialRecord {
  key: string;
  params: Params;
  fold: number;
  /** The trial's scores; empty when it failed. */
  scores: Record<string, number>;
  ms: number;
  /** Set when the trial threw on every attempt (executors with retries): its last error message. Failed trials are not ranked and run again when the search is re-run. */
  error?: string;
  /** How many times the trial was started (executors with retries). */
  attempts?: number;
}

/** One trial an executor must run: its parameter key and context (the shared data travels separately). */
export interface TrialTask {
  key: string;
  ctx: Omit<TrialContext, 'data' | 'checkpointDir' | 'progress'>;
}

/** What an executor reports for one trial: its result, or the error it failed with after its retries. */
export type TrialOutcome =
  | { task: TrialTask; result: TrialResult; ms: number; attempts?: number }
  | { task: TrialTask; error: string; ms: number; attempts?: number };

/**
 * Runs the trials of a search somewhere else than this thread: another process, another machine
 * (the queue executor of `@nnkit/queue`). `gridSearch({ executor })` hands it the trial module,
 * the shared data and the trials still to run, and records each outcome as it is reported.
 * Functions cannot travel, so the trial must be a {@link TrialModule}.
 */
export interface TrialExecutor {
  /** Shown in errors and logs, e.g. `'queue redis://127.0.0.1:6379/nnkit-search'`. */
  readonly name: string;
  /** Runs every task once (or until its retries are spent), calling `report` for each as it ends. */
  run(job: { trial: TrialModule; data: unknown; tasks: readonly TrialTask[] }, report: (outcome: TrialOutcome) => Promise<void>): Promise<void>;
}

/** A row of the ranked table: one parameter combination over its folds. */
export interface SearchRow {
  rank: number;
  params: Params;
  /** Mean and (population) standard deviation of each score over the folds. */
  mean: Record<string, number>;
  std: Record<string, number>;
  folds: number;
}

/** What `gridSearch` returns. */
export interface SearchResult {
  /** Rows best first (by `score`, in `mode`). */
  rows: SearchRow[];
  best: SearchRow;
  /** Every trial record (including those read back from the results file). */
  trials: TrialRecord[];
  /** Trials skipped because the results file already had them. */
  skipped: number;
  /** Name of the score the rows are ranked by. */
  score: string;
  /** Trials that failed on every attempt (executors with retries), with their errors; not ranked. */
  failed: TrialRecord[];
}
