// @nnkit/train/node — the Node-only parts of @nnkit/train: grid search on worker threads with
// a JSONL results file, and the terminal progress bar (the optional package cli-progress).
// The main entry `@nnkit/train` is browser-safe: it imports no `node:` module.
export { gridSearch, rankTrials, type GridSearchOptions } from '../search/grid-search.js';
export { TrialWorkerPool } from '../search/worker-pool.js';
export { ProgressBar, type ProgressBarOptions } from '../callbacks/progress-bar.js';
export { nodeStorage } from '../runner/storage.js';
export { startDataParallel, type StartDataParallelOptions, type ReplicaModelSpec } from './data-parallel.js';
export { createReplica } from './replica-entry.js';
