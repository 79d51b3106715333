import { engine, getGradient, tidy, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import { savesShapesOnly } from './kernels/gradients/shape-only.js';
import { NotSupportedError } from './errors/errors.js';

/**
 * The one place where nnkit touches parts of tfjs-core's `Engine` that are not its documented
 * API (checked against tfjs-core 4.22.0, the version of the peer range):
 *
 * - `engine().isTapeOn()` — whether a gradient tape is recording (inside `engine().gradients`,
 *   i.e. `grad`, `backward`, `gradCheck`);
 * - `engine().state.gradientDepth` — the nesting depth of gradient tapes; 0 makes the engine
 *   record nothing, which is how `noGrad` pauses a tape;
 * - `engine().saveTensorsForBackwardMode`, `clone`, `getTensorsForGradient`, `addTapeNode`,
 *   `makeTensorFromTensorInfo`, `state.tensorInfo`, `state.activeTape` — replaced or read for
 *   the duration of nnkit's `backward`/`grad` by {@link withSharedSavedTensors} (optional:
 *   without them tfjs's own saving and freeing is kept).
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

interface TapeNode {
  kernelName: string;
  inputs?: Record<string, Tensor>;
  saved?: Tensor[];
  gradient?: (dys: Array<Tensor | null>) => Record<string, () => Tensor>;
}

interface SavingEngine {
  state: { tensorInfo?: WeakMap<object, { backend: { incRef?(dataId: object): void } }>; gradientDepth: number; activeTape?: TapeNode[] | null };
  saveTensorsForBackwardMode?(tensors: Tensor[]): Tensor[];
  clone?(t: Tensor): Tensor;
  getTensorsForGradient?(kernelName: string, inputs: unknown, outputs: Tensor[]): Tensor[];
  addTapeNode?(...args: unknown[]): void;
  makeTensorFromTensorInfo(info: TensorInfo, backend?: unknown): Tensor;
  keep<T extends Tensor>(t: T): T;
}

const shapeRecords = new WeakSet<object>();

/** What the tape keeps for a kernel whose gradient reads only shapes: shape, rank, size, dtype; no data. */
function shapeRecord(t: Tensor): Tensor {
  const r = Object.freeze({ shape: t.shape.slice(), rank: t.rank, size: t.size, dtype: t.dtype, isDisposed: false, dispose: (): void => {} });
  shapeRecords.add(r);
  return r as unknown as Tensor;
}

/** What a {@link withSharedSavedTensors} call in progress saves with and frees through. */
let active: { share(t: Tensor): Tensor; release: ReturnType<typeof progressiveRelease> } | null = null;

/** tfjs-core's own methods of each patched engine (the patches call them outside a call). */
const patched = new WeakMap<object, { clone(t: Tensor): Tensor }>();

/**
 * Patches the engine methods {@link withSharedSavedTensors} changes, once per engine: each patch
 * behaves exactly as tfjs-core's own method unless a call is in progress. Installed once and never
 * removed: adding and deleting an engine's own properties on every backward pass turned the
 * engine object into a slow dictionary-mode object for V8 (every kernel launch paid for it: a
 * tiny model's training step took 60 % longer). False when this tfjs-core lacks a method.
 */
function patch(e: SavingEngine): boolean {
  if (patched.has(e)) return true;
  const save = e.saveTensorsForBackwardMode;
  const clone = e.clone;
  const toSave = e.getTensorsForGradient;
  const addNode = e.addTapeNode;
  if (typeof save !== 'function' || typeof clone !== 'function' || typeof e.makeTensorFromTensorInfo !== 'function') return false;
  e.saveTensorsForBackwardMode = (tensors: Tensor[]): Tensor[] => (active ? tensors.map(active.share) : save.call(e, tensors));
  // `clone` is what a customGrad's save function (and tfjs's own saving) copies with.
  e.clone = (t: Tensor): Tensor => (active ? active.share(t) : clone.call(e, t));
  if (typeof toSave === 'function') {
    e.getTensorsForGradient = (kernelName: string, inputs: unknown, outputs: Tensor[]): Tensor[] => {
      const tensors = toSave.call(e, kernelName, inputs, outputs);
      return active && savesShapesOnly(getGradient(kernelName)) ? tensors.map(shapeRecord) : tensors;
    };
  }
  if (typeof addNode === 'function') {
    e.addTapeNode = (...args: unknown[]): void => {
      addNode.apply(e, args);
      if (active === null) return;
      const tape = e.state.activeTape;
      if (tape && tape.length > 0) active.release.wrap(tape[tape.length - 1]!);
    };
  }
  patched.set(e, { clone });
  return true;
}

/**
 * Backward-pass bookkeeping that frees memory as the tape is walked (outermost tape only; tfjs-core
 * keeps all of it until the whole pass ends). Once a node's gradients are taken, its output
 * gradients (`dys`), its saved tensors, and the input gradients it produced that tfjs-core then
 * added into an earlier one, are disposed — except what is still a live gradient (a `dy` handed
 * on as is) and the loss's own `dy` (it may be the caller's). A `customGrad` node computes all of
 * its gradients when called: that runs in a scope of its own, so its temporaries are freed too.
 */
function progressiveRelease(e: SavingEngine): { wrap(node: TapeNode): void; end(): void } {
  let pending: Tensor[] = [];
  let unused = new Set<Tensor>();
  /** The gradients that are values of tfjs-core's gradient map now (made by a node's closures). */
  const live = new Set<Tensor>();
  /** Ids of the tensors that have a gradient in that map. */
  const hasGrad = new Set<number>();
  let first = true;
  const flush = (): void => {
    for (const t of [...pending, ...unused]) if (!live.has(t)) t.dispose();
    pending = [];
    unused = new Set();
  };
  return {
    wrap(node: TapeNode): void {
      const inner = node.gradient;
      if (typeof inner !== 'function') return;
      const eager = getGradient(node.kernelName) === undefined; // a customGrad (or clone) node
      node.gradient = (dys) => {
        flush();
        if (e.state.gradientDepth !== 0) return inner(dys); // a higher-order gradient: the outer tape may hold these
        let grads: Record<string, () => Tensor>;
        if (eager) {
          const values = tidy(() => Object.fromEntries(Object.entries(inner(dys)).map(([k, f]) => [k, f()])) as Record<string, Tensor>);
          unused = new Set(Object.values(values));
          grads = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, () => v]));
        } else {
          grads = inner(dys);
        }
        const outGrads = dys.filter((d): d is Tensor => d !== null && d !== undefined);
        for (const d of outGrads) live.delete(d);
        if (!first) pending.push(...outGrads);
        pending.push(...(node.saved ?? []));
        first = false;
        return Object.fromEntries(
          Object.entries(grads).map(([name, f]) => [
            name,
            () => {
              const g = f();
              unused.delete(g);
              const x = node.inputs?.[name];
              if (x !== undefined && hasGrad.has(x.id)) {
                pending.push(g); // tfjs-core adds it into the gradient x already has
              } else {
                if (x !== undefined) hasGrad.add(x.id);
                live.add(g);
              }
              return g;
            },
          ]),
        );
      };
    },
    end(): void {
      // what is left is freed by the engine's own scope
      pending = [];
      unused = new Set();
      live.clear();
      hasGrad.clear();
      first = true;
    },
  };
}

/**
 * Runs `fn` (typically `engine().gradients(...)`) with a tape that holds as little memory as it
 * can, the same gradients:
 *
 * - the tensors each kernel's (or `customGrad`'s) gradient needs are saved as new references to the same data instead
 *   of clones through the `Identity` kernel (tfjs-core's `Engine.saveTensorsForBackwardMode`
 *   clones every saved input and output of every recorded kernel: a kernel launch, a tape node
 *   and, on tfjs-backend-wasm, a copy each: 574 per EEG-TCNet training step); tfjs data is
 *   immutable, so a shared reference is indistinguishable from a copy;
 * - for kernels whose nnkit gradient reads only the shapes of what it saves (`Reshape`, `Slice`,
 *   `PadV2`, `Concat`, `Sum`, `Mean`, ... — marked with `markShapeOnly`), only a shape record is
 *   kept, so the activation behind it is freed after the forward pass;
 * - during the backward pass each node's output gradients, saved tensors and spent partial
 *   gradients are freed as soon as the node is done, instead of all at the end (tfjs-core keeps the gradient of every
 *   intermediate tensor until the pass ends: Inception v3's b8 train step did not fit in
 *   tfjs-backend-wasm's 4 GiB heap).
 *
 * Strings and complex tensors, or a tfjs-core without those methods, keep tfjs's own behaviour.
 * Nested calls share the outer call's saving; higher-order gradients (a tape inside a tape) free nothing early.
 *
 * @example
 * ```ts
 * const { value, grads } = withSharedSavedTensors(() => engine().gradients(() => sum(square(w)), [w]));
 * ```
 */
export function withSharedSavedTensors<T>(fn: () => T): T {
  const e = engine() as unknown as SavingEngine;
  const infos = e.state.tensorInfo;
  if (active !== null || !patch(e) || typeof infos?.get !== 'function') return fn();
  const clone = patched.get(e)!.clone;
  const share = (t: Tensor): Tensor => {
    if (shapeRecords.has(t)) return t;
    const backend = t.dtype === 'string' || t.dtype === 'complex64' ? undefined : infos.get(t.dataId)?.backend;
    if (backend === undefined || typeof backend.incRef !== 'function') return e.keep(clone.call(e, t));
    const copy = e.makeTensorFromTensorInfo({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }, backend);
    backend.incRef(t.dataId);
    return e.keep(copy);
  };
  const release = progressiveRelease(e);
  active = { share, release };
  try {
    return fn();
  } finally {
    active = null;
    release.end();
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
