// Owned by one area; an explicit list of named exports.
export { Runner, modelPaths, type SaveModelOptions } from './runner.js';
export { History } from './history.js';
export type { FitState } from './fit.js';
export type { CheckpointState } from './checkpoint.js';
export {
  type ModelStorage,
  nodeStorage,
  memoryStorage,
  indexedDbStorage,
  downloadStorage,
  defaultStorage,
} from './storage.js';
export { splitBatch, disposeAll } from './batch.js';
export type {
  Batch,
  BatchLoader,
  EvalResult,
  FitOptions,
  GradClip,
  Logs,
  LossFn,
  RngLike,
  RunnerOptions,
  SchedulerLike,
} from './types.js';
