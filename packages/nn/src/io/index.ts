// Owned by one area; an explicit list of named exports.
export { SafetensorsError, type SafetensorsErrorKind } from './safetensors-error.js';
export { loadSafetensors, readSafetensors, type ReadSafetensorsOptions, type SafetensorsContents } from './read.js';
export { saveSafetensors, type SaveSafetensorsOptions } from './write.js';
export type { SafetensorsDtype } from './dtypes.js';
export { PthError, type PthErrorKind } from './pth-error.js';
export { PTH_GLOBALS } from './pth-globals.js';
export { loadPth, readPth, STATE_DICT_KEYS, type LoadPthOptions, type ReadPthOptions } from './pth-read.js';
export type { PthKey, PthValue } from './pth-tensors.js';
export { PthObject } from './pth-values.js';
export { checkpointFormat, loadStateDictFromFile, readStateDict, type CheckpointFormat } from './state-dict-file.js';
