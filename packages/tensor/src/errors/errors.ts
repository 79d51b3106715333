/**
 * The one error hierarchy of nnkit. Every user-facing condition in every `@nnkit/*` package
 * throws an {@link NnkitError} subclass, so a caller can catch one kind in one place:
 *
 * ```
 * NnkitError
 * ├── ShapeError            a tensor of the wrong shape (names the module path or op, expected vs got)
 * ├── DTypeError            a tensor of the wrong dtype (int32 where float32 is needed, …)
 * ├── ArgumentError         a bad argument or configuration value (names the argument)
 * ├── StateError            a call that is not valid in the object's current state (disposed, not fitted…)
 * ├── StateDictError        (in @nnkit/nn) missing / unexpected / mis-shaped state_dict keys
 * ├── FormatError           malformed or unsupported outside bytes (names the file and the reason)
 * │     (EegFormatError, SafetensorsError, PthError… are subclasses)
 * ├── StorageError          a file or browser storage could not be read or written (names the path)
 * ├── NotSupportedError     a valid request nnkit does not implement (says what is missing)
 * └── BackendInitError      a tfjs backend could not start
 * ```
 *
 * Each class carries a string `code` (its tag), stable across versions, for `switch`es and logs.
 *
 * @example
 * ```ts
 * import { NnkitError, ShapeError } from '@nnkit/tensor';
 * try { model.call(x); }
 * catch (e) {
 *   if (e instanceof ShapeError) console.error(e.message); // "EEGNet.conv1: expected input of shape …"
 *   else if (e instanceof NnkitError) console.error(e.code, e.message);
 *   else throw e;
 * }
 * ```
 */
export class NnkitError extends Error {
  /** Stable tag of the error kind (`'shape'`, `'dtype'`, `'argument'`, …). */
  readonly code: string = 'nnkit';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A tensor has the wrong shape. `where` is the module path (`LeNet.fc1`) or op name (`conv2d`).
 * Message: `LeNet.fc1: expected input of shape [*, 400], got [2, 576]`.
 */
export class ShapeError extends NnkitError {
  override readonly code: string = 'shape';
  /** Module path or op name. Same as {@link where}; kept for callers of the nn-era class. */
  readonly modulePath: string;
  constructor(
    readonly where: string,
    readonly expected: string,
    readonly got: readonly number[] | string,
    /** Optional word for what had the shape (default `input`). */
    what = 'input',
  ) {
    super(`${where}: expected ${what} of shape ${expected}, got ${typeof got === 'string' ? got : `[${got.join(', ')}]`}`);
    this.modulePath = where;
  }
}

/** A tensor has the wrong dtype: `conv2d: expected input of dtype float32, got int32`. */
export class DTypeError extends NnkitError {
  override readonly code: string = 'dtype';
  constructor(
    readonly where: string,
    readonly expected: string,
    readonly got: string,
    what = 'input',
  ) {
    super(`${where}: expected ${what} of dtype ${expected}, got ${got}`);
  }
}

/**
 * A bad argument or configuration value, raised at construction or call time.
 * Message: `Conv2d: kernelSize must be positive integers, got [0, 3]`.
 */
export class ArgumentError extends NnkitError {
  override readonly code: string = 'argument';
  constructor(
    readonly where: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${where}: ${detail}`, options);
  }
}

/** A call that is not valid in the object's current state (disposed module, closed loader, …). */
export class StateError extends NnkitError {
  override readonly code: string = 'state';
  constructor(
    readonly where: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${where}: ${detail}`, options);
  }
}

/**
 * Malformed, truncated or unsupported outside bytes (model files, checkpoints, data files).
 * `format` names the format (`'safetensors'`, `'pth'`, `'mat5'`, …), `file` the file (or `'<bytes>'`),
 * `reason` what was wrong. Format-specific subclasses add fields of their own.
 */
export class FormatError extends NnkitError {
  override readonly code: string = 'format';
  readonly file: string;
  constructor(
    readonly format: string,
    file: string | undefined,
    readonly reason: string,
    options?: { cause?: unknown; message?: string },
  ) {
    const f = file ?? '<bytes>';
    super(options?.message ?? `${format}: ${f}: ${reason}`, options);
    this.file = f;
  }
}

/** A file or browser storage could not be read or written: names the path and the system's reason. */
export class StorageError extends NnkitError {
  override readonly code: string = 'storage';
  constructor(
    readonly path: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${detail}`, options);
  }
}

/** A valid request that nnkit does not implement (yet): says what is missing and what to do instead. */
export class NotSupportedError extends NnkitError {
  override readonly code: string = 'not-supported';
  constructor(
    readonly where: string,
    readonly detail: string,
  ) {
    super(`${where}: ${detail}`);
  }
}

/**
 * The backend ran out of memory: tfjs-backend-wasm's heap (at most 4 GiB, the wasm32 limit)
 * cannot hold what a step needs. Names where (a module path or op), the request and the heap size.
 */
export class OutOfMemoryError extends NnkitError {
  override readonly code: string = 'out-of-memory';
  constructor(
    readonly where: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${where}: ${detail}`, options);
  }
}
