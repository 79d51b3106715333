export { NnkitError, ShapeError, DTypeError, ArgumentError, StateError, FormatError, StorageError, NotSupportedError, OutOfMemoryError } from './errors.js';
export { loadOptionalPeer } from './optional-peer.js';
