import { engine, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import { NotSupportedError } from './errors/errors.js';

/**
 * The one place where nnkit touches parts of tfjs-core's `Engine` that are not its documented
 * API (checked against tfjs-core 4.22.0, the version of the peer range):
 *
 * - `engine().isTapeOn()` — whether a gradient tape is recording (inside `engine().gradients`,
 *   i.e. `grad`, `backward`, `gradCheck`);
 * - `engine().state.gradientDepth` — the nesting depth of gradient tapes; 0 makes the engine
 *   record nothing, which is how `noGrad` pauses a tape;
 * - `engine().saveTensorsForBackwardMode`, `makeTensorFromTensorInfo`, `state.tensorInfo` —
 *   replaced for the duration of nnkit's `backward`/`grad` by {@link withSharedSavedTensors}
 *   (optional: without them tfjs's own cloning is kept).
 *
 * Every other package goes through the functions below; `engine-internals.test.ts` fails loudly
 * when a tfjs release renames or changes them.
 */
interface EngineInternals {
  isTapeOn(): boolean;
  state: { gradientDepth: number };
}

/** The engine's internals, or a {@link NotSupportedError} naming the one that is missing. */
function internals(): EngineInternals {
  const e = engine() as unknown as Partial<EngineInternals>;
  if (typeof e.isTapeOn !== 'function') {
    throw new NotSupportedError('@nnkit/tensor', "this version of @tensorflow/tfjs-core has no Engine.isTapeOn(); nnkit is tested with tfjs-core 4.22.0");
  }
  if (e.state === undefined || typeof e.state.gradientDepth !== 'number') {
    throw new NotSupportedError('@nnkit/tensor', 'this version of @tensorflow/tfjs-core has no numeric Engine.state.gradientDepth; nnkit is tested with tfjs-core 4.22.0');
  }
  return e as EngineInternals;
}

/**
 * Whether a gradient tape is recording right now: true inside `engine().gradients` (nnkit's
 * `grad`, `backward`, `gradCheck`) unless paused by {@link withoutGradientTape}. Caches of
 * weight-derived tensors use it: a cached value would cut the gradient to the weights.
 *
 * @throws NotSupportedError when the installed tfjs-core lacks the internal it reads.
 * @example
 * ```ts
 * isRecordingGradients(); // false
 * engine().gradients(() => { isRecordingGradients(); return sum(x); }, [x]); // true inside
 * ```
 */
export function isRecordingGradients(): boolean {
  return internals().isTapeOn();
}

/**
 * Runs `fn` with every enclosing gradient tape paused: nothing `fn` computes is recorded, so
 * its results act as constants to the tape (PyTorch's `torch.no_grad()`). Outside a tape it
 * just runs `fn`. Tensors are not managed here (wrap in `tidy` as needed).
 *
 * @throws NotSupportedError when the installed tfjs-core lacks the internal it writes.
 * @example
 * ```ts
 * const frozen = withoutGradientTape(() => mul(w, 2)); // inside grad(): no gradient flows to w
 * ```
 */
export function withoutGradientTape<T>(fn: () => T): T {
  const state = internals().state;
  const depth = state.gradientDepth;
  state.gradientDepth = 0;
  try {
    return fn();
  } finally {
    state.gradientDepth = depth;
  }
}

interface SavingEngine {
  state: { tensorInfo?: WeakMap<object, { backend: { incRef?(dataId: object): void } }> };
  saveTensorsForBackwardMode?(tensors: Tensor[]): Tensor[];
  makeTensorFromTensorInfo(info: TensorInfo, backend?: unknown): Tensor;
  keep<T extends Tensor>(t: T): T;
}

let sharing = false;

/**
 * Runs `fn` (typically `engine().gradients(...)`) with the tape saving the tensors each kernel's
 * gradient needs as new references to the same data instead of clones through the `Identity`
 * kernel. tfjs-core's `Engine.saveTensorsForBackwardMode` clones every saved input and output of
 * every recorded kernel (a kernel launch, a tape node and, on tfjs-backend-wasm, a copy each:
 * 574 per EEG-TCNet training step); tfjs data is immutable, so a shared reference is
 * indistinguishable from a copy and is freed the same way after the backward pass. Strings and
 * complex tensors, or a tfjs-core without that method, keep tfjs's own behaviour. Nested calls
 * share one installation.
 *
 * @example
 * ```ts
 * const { value, grads } = withSharedSavedTensors(() => engine().gradients(() => sum(square(w)), [w]));
 * ```
 */
export function withSharedSavedTensors<T>(fn: () => T): T {
  const e = engine() as unknown as SavingEngine;
  const original = e.saveTensorsForBackwardMode;
  const infos = e.state.tensorInfo;
  if (sharing || typeof original !== 'function' || typeof e.makeTensorFromTensorInfo !== 'function' || typeof infos?.get !== 'function') return fn();
  const own = Object.prototype.hasOwnProperty.call(e, 'saveTensorsForBackwardMode');
  const share = (t: Tensor): Tensor => {
    const backend = t.dtype === 'string' || t.dtype === 'complex64' ? undefined : infos.get(t.dataId)?.backend;
    if (backend === undefined || typeof backend.incRef !== 'function') return original.call(e, [t])[0]!;
    const copy = e.makeTensorFromTensorInfo({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }, backend);
    backend.incRef(t.dataId);
    return e.keep(copy);
  };
  e.saveTensorsForBackwardMode = (tensors: Tensor[]): Tensor[] => tensors.map(share);
  sharing = true;
  try {
    return fn();
  } finally {
    sharing = false;
    if (own) e.saveTensorsForBackwardMode = original;
    else delete e.saveTensorsForBackwardMode;
  }
}

/**
 * Checks that the installed tfjs-core has every engine internal nnkit uses (see this file's
 * list), throwing a {@link NotSupportedError} that names the missing one. `initBackend` does not
 * call it (the functions above check on use); call it at start-up to fail early.
 *
 * @example
 * ```ts
 * checkEngineInternals(); // throws with a tfjs-core release that renamed them
 * ```
 */
export function checkEngineInternals(): void {
  internals();
}
