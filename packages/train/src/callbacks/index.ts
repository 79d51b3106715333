// Owned by one area; an explicit list of named exports.
export { type Callback, type MonitorMode } from './callback.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint.js';
export { LRSchedulerStep, type LRSchedulerStepOptions, type SteppableScheduler } from './lr-scheduler-step.js';
export { CSVLogger, JSONLLogger, type LoggerOptions } from './loggers.js';
export { NaNGuard, NonFiniteLossError, type NaNGuardOptions } from './nan-guard.js';
