// Owned by one area; an explicit list of named exports.
export { epochs, type Epochs, type EpochsOptions } from './epochs.js';
export { trialsToTensors, concatTrials, type EegTrials, type TrialsToTensorsOptions } from './trials.js';
export { loadBCICIV2b, type BCICIV2bOptions, type BCICIV2bTrials } from './bciciv2b.js';
export { loadBCICIV2a, type BCICIV2aOptions } from './bciciv2a.js';
export { loadEEGMMIDB, type EEGMMIDBOptions, type EEGMMIDBTrials } from './eegmmidb.js';
