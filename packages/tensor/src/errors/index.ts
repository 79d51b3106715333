export { NnkitError, ShapeError, DTypeError, ArgumentError, StateError, FormatError, StorageError, NotSupportedError } from './errors.js';
