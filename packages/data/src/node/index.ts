// @nnkit/data/node — the Node-only parts of @nnkit/data (files by path, zlib, worker threads).
// The main entry `@nnkit/data` is browser-safe: it imports no `node:` module.
export { readFileBytes, nodeInflater } from './read-file-bytes.js';
export { readEdfFile, readWfdbAnnotationsFile, readMat5File, readMat73File, readMatFile, readGdfFile } from './read-files.js';
export { loadBCICIV2b, type BCICIV2bOptions, type BCICIV2bTrials } from '../eeg/bciciv2b.js';
export { loadBCICIV2a, type BCICIV2aOptions } from '../eeg/bciciv2a.js';
export { loadEEGMMIDB, type EEGMMIDBOptions, type EEGMMIDBTrials } from '../eeg/eegmmidb.js';
export { datasetWorkers, type DatasetWorkersOptions } from './dataset-workers.js';
export { ModuleWorkerPool, MODULE_WORKER_URL, type ModuleWorkerPoolOptions } from './module-worker-pool.js';
export { importModule } from './load-module.js';
export type { ModuleWorkerInit, WorkerTask, WorkerMessage } from './module-worker-protocol.js';
