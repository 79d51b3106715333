/**
 * What a {@link ModuleWorkerPool} worker loads (its `workerData`): the module, the export, and
 * how tasks call it. Structured-cloneable.
 */
export interface ModuleWorkerInit {
  /** A module path or URL; `.ts` modules load through tsx when installed. */
  module: string;
  /** The export to take. */
  export: string;
  /** An export to call once (awaited) before the first task. */
  setup?: string | undefined;
  /** When set, the export is a factory: called once with these arguments, tasks call methods of its result. */
  factoryArgs?: unknown[] | undefined;
  /** Methods the factory's result must have (checked once, at start). */
  methods?: string[] | undefined;
  /** When set, each call's first argument (an object) gets `shared` under this key (data sent once, not per task). */
  sharedKey?: string | undefined;
  /** The value merged under `sharedKey`. */
  shared?: unknown;
  /**
   * Move (transfer) the buffers of typed arrays in task results to the main thread instead of
   * copying them (top level or one level inside a plain object). Only for results the worker
   * does not keep: a transferred buffer is empty in the worker afterwards.
   */
  transferResults?: boolean | undefined;
  /** What the module is, for messages: `'dataset'`, `'trial'`. */
  what: string;
}

/** One task: call `method` (factory mode) or the function once per argument list of `calls`. */
export interface WorkerTask {
  id: number;
  method?: string | undefined;
  calls: unknown[][];
}

/** Messages a worker posts. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; results: unknown[] }
  | { type: 'error'; id: number; message: string };
