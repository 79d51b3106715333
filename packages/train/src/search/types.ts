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
  scores: Record<string, number>;
  ms: number;
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
}
