// Owned by one area; an explicit list of named exports.
export { LRScheduler, type AnyOptimizer, type LRSchedulerOptions, type SchedulerStateDict } from './lr-scheduler.js';
export { StepLR, MultiStepLR, type StepLROptions } from './step-lr.js';
export { ExponentialLR } from './exponential-lr.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine-annealing-lr.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
export { OneCycleLR, type OneCycleLROptions } from './one-cycle-lr.js';
