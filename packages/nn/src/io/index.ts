// Owned by one area; an explicit list of named exports.
export { SafetensorsError, type SafetensorsErrorKind } from './safetensors-error.js';
export { loadSafetensors, readSafetensors, type ReadSafetensorsOptions, type SafetensorsContents } from './read.js';
export { saveSafetensors, type SaveSafetensorsOptions } from './write.js';
export type { SafetensorsDtype } from './dtypes.js';
