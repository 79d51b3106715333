// Owned by one area; an explicit list of named exports.
export { epochs, type Epochs, type EpochsOptions } from './epochs.js';
export { trialsToTensors, concatTrials, type EegTrials, type TrialsToTensorsOptions } from './trials.js';
