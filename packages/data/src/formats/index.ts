// Owned by one area; an explicit list of named exports.
export { EegFormatError, type EegFormatName } from './errors.js';
export { asBytes, type BytesLike, type ReadOptions } from './bytes.js';
export type { ChannelInfo, EegEvent, Raw } from './types.js';
export { rawToArray, pickChannels, type ChannelArray } from './raw.js';
export { readEdf, type EdfReadOptions, type EdfSignalHeader } from './edf.js';
export { parseTals, type RecordTals } from './edf-annotations.js';
export {
  readWfdbAnnotations,
  type WfdbAnnotation,
  type WfdbAnnotations,
  type WfdbReadOptions,
} from './wfdb-annotations.js';
export { readMat5, type Mat5ReadOptions } from './mat5.js';
export { readMat73 } from './mat73.js';
export { readMat } from './mat.js';
export {
  matToRowMajor,
  matGet,
  isMatNumeric,
  matToFloat64,
  type MatFile,
  type MatValue,
  type MatNumeric,
  type MatNumericClass,
  type MatTypedArray,
  type MatChar,
  type MatCell,
  type MatStruct,
  type MatSparse,
  type MatUnsupported,
} from './mat-types.js';
export { readGdf, type GdfChannelHeader } from './gdf.js';
export { GDF_EVENT_NAMES, gdfEventsToEvents, type GdfEventTable } from './gdf-events.js';
export { inflateBounded, DEFAULT_MAX_INFLATED_BYTES } from './inflate.js';
