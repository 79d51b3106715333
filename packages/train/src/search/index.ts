// Owned by one area; an explicit list of named exports.
export { gridSearch, rankTrials, type GridSearchOptions } from './grid-search.js';
export { gridPoints, kFold, trialKey } from './grid.js';
export { formatSearchTable } from './table.js';
export { TrialWorkerPool } from './worker-pool.js';
export type { Params, SearchResult, SearchRow, SearchSpace, TrialContext, TrialFn, TrialModule, TrialExecutor, TrialOutcome, TrialRecord, TrialResult, TrialTask } from './types.js';
