// Owned by one area; an explicit list of named exports.
export { gridPoints, kFold, trialKey } from './grid.js';
export { formatSearchTable } from './table.js';
export type { Params, SearchResult, SearchRow, SearchSpace, TrialContext, TrialFn, TrialModule, TrialExecutor, TrialOutcome, TrialRecord, TrialResult, TrialTask } from './types.js';
