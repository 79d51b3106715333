/**
 * The messages of data-parallel training between the main thread and a replica worker — the
 * protocol of `@nnkit/data/node`'s module worker (`task` → `result` / `error`, `ready`, `fatal`),
 * so the same replica runs behind a Node worker thread (`startDataParallel` in
 * `@nnkit/train/node`) and a browser Web Worker ({@link serveReplica}). Every field is
 * structured-cloneable; typed arrays travel as transferable buffers.
 */

/** One replica's work for one step: the full model state, its shard of the batch, a seed. */
export interface StepRequest {
  /** Every entry of `model.stateDict()` (parameters and buffers), flattened in key order, as float32. */
  state: Float32Array;
  /** The shard's inputs, row-major, shape `xShape` (`[n, ...]`). */
  x: Float32Array;
  xShape: number[];
  /** The shard's targets, row-major, shape `yShape`. */
  y: Float32Array | Int32Array;
  yShape: number[];
  yDtype: 'float32' | 'int32';
  /** Seed of the replica's global RNG (`manualSeed`) for this step: dropout masks. */
  seed: number;
}

/** What a replica answers to a {@link StepRequest}. */
export interface StepResult {
  /** The loss (mean over the shard). */
  loss: number;
  /** Gradients of every parameter (`model.parameters()` order), flattened; zeros where none. */
  grads: Float32Array;
  /** 1 for each parameter that got a gradient (was in the graph and requires one), else 0. */
  hasGrad: Uint8Array;
  /** Every state entry after the step (batch-norm statistics moved), flattened like `state`. */
  state: Float32Array;
}

/** The layout a replica reports once, checked against the main thread's model. */
export interface ReplicaLayout {
  /** `[key, shape]` of every `stateDict()` entry, in order. */
  state: Array<[string, number[]]>;
  /** Sizes of the parameters, in `parameters()` order. */
  params: number[];
}

/** A task posted to a replica (the module worker's `WorkerTask`). */
export interface ReplicaTask {
  id: number;
  method: 'step' | 'layout';
  calls: unknown[][];
}

/** Messages a replica posts (the module worker's `WorkerMessage`). */
export type ReplicaMessage =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; results: unknown[] }
  | { type: 'error'; id: number; message: string };
