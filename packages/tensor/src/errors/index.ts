export { NnkitError, ShapeError, DTypeError, ArgumentError, StateError, FormatError, StorageError, NotSupportedError } from './errors.js';
export { loadOptionalPeer } from './optional-peer.js';
