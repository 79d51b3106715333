import { env, getBackend, ready, removeBackend, setBackend, findBackend } from '@tensorflow/tfjs-core';
import { installKernels } from './kernels/install.js';
import { NnkitError } from './errors/errors.js';

/** Backends nnkit can run on: WebAssembly (default, fast) or plain JavaScript (fallback). */
export type BackendName = 'wasm' | 'cpu';

/** Options for {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * When the requested backend cannot start, fall back to `cpu` instead of throwing.
   * Default: `true` when no backend name was passed, `false` when one was.
   */
  fallback?: boolean;
  /**
   * Browser only: where the `.wasm` binaries are served from, passed to tfjs'
   * `setWasmPaths` (a folder URL ending in `/`, or a map of file names to URLs).
   * In Node the binaries are found inside `node_modules` and this is not needed.
   */
  wasmPaths?: string | Record<string, string>;
}

/** Raised when a requested backend cannot be started; `reason` is the underlying error. */
export class BackendInitError extends NnkitError {
  override readonly code: string = 'backend';
  constructor(
    readonly backend: BackendName,
    readonly reason: unknown,
  ) {
    super(`nnkit: the '${backend}' backend could not start: ${reason instanceof Error ? reason.message : String(reason)}`);
  }
}

/**
 * The emscripten glue of tfjs-backend-wasm installs process-wide `uncaughtException` /
 * `unhandledRejection` handlers that re-throw, printing the whole generated module source on
 * any later error in the user's program. Remove the handlers added while the backend starts.
 */
function snapshotProcessListeners(): () => void {
  type Listener = (...args: unknown[]) => void;
  interface Proc {
    listeners(event: string): Listener[];
    removeListener(event: string, l: Listener): unknown;
  }
  const proc = (globalThis as { process?: Proc }).process;
  if (typeof proc?.listeners !== 'function') return () => {};
  const events = ['uncaughtException', 'unhandledRejection'];
  const before = events.map((e) => new Set(proc.listeners(e)));
  return () => {
    events.forEach((e, i) => {
      for (const l of proc.listeners(e)) if (!before[i]!.has(l)) proc.removeListener(e, l);
    });
  };
}

const registered: Partial<Record<BackendName, boolean>> = {};

async function registerBackend(name: BackendName, opts: InitBackendOptions): Promise<void> {
  if (registered[name] && findBackend(name) !== null) return;
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (opts.wasmPaths !== undefined) wasm.setWasmPaths(opts.wasmPaths as never);
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  registered[name] = true;
}

async function start(name: BackendName, opts: InitBackendOptions): Promise<void> {
  if (name !== 'wasm' && name !== 'cpu') {
    throw new BackendInitError(name, new Error(`unknown backend; nnkit supports 'wasm' and 'cpu'`));
  }
  try {
    await registerBackend(name, opts);
    const restore = snapshotProcessListeners();
    let ok: boolean;
    try {
      ok = await setBackend(name);
      if (ok) await ready();
    } finally {
      restore();
    }
    if (!ok) throw new BackendInitError(name, 'tfjs refused to initialise it (see the warning above)');
    if (name === 'cpu') {
      // nnkit runs on cpu on purpose: silence tfjs' one-time "install tfjs-node" notice.
      const cpu = findBackend('cpu') as { firstUse?: boolean } | null;
      if (cpu && 'firstUse' in cpu) cpu.firstUse = false;
    }
  } catch (e) {
    // A failed backend stays registered in tfjs; remove it so a later call can retry.
    try {
      removeBackend(name);
    } catch {
      /* not registered */
    }
    registered[name] = false;
    throw e instanceof BackendInitError ? e : new BackendInitError(name, e);
  }
  await installKernels(name);
}

/**
 * Selects and starts the compute backend. Call once before using any nnkit module.
 * Picks WebAssembly by default and falls back to the JavaScript `cpu` backend when wasm
 * cannot start; an explicitly requested backend that fails raises {@link BackendInitError}.
 * Also installs the kernels and gradients that tfjs lacks (convolution filter gradients,
 * depthwise backprop on wasm, ...). Nothing is registered before this call.
 *
 * @example
 * ```ts
 * import { initBackend, backendName } from '@nnkit/tensor';
 * await initBackend();            // 'wasm' in Node and modern browsers
 * console.log(backendName());     // 'wasm'
 * await initBackend('cpu');       // force the JavaScript backend
 * // Browser bundles: serve the .wasm files and point tfjs at them
 * await initBackend('wasm', { wasmPaths: '/static/tfjs-wasm/' });
 * ```
 * @returns the name of the backend now active.
 */
export async function initBackend(name?: BackendName, opts: InitBackendOptions = {}): Promise<BackendName> {
  const wanted: BackendName = name ?? 'wasm';
  const fallback = opts.fallback ?? name === undefined;
  try {
    await start(wanted, opts);
    return wanted;
  } catch (e) {
    if (!fallback || wanted === 'cpu') throw e;
    if (env().getBool('IS_TEST') === false) {
      console.warn(`${(e as Error).message}; falling back to 'cpu'`);
    }
    await start('cpu', opts);
    return 'cpu';
  }
}

/** The active backend's name (`'wasm'`, `'cpu'`, …), or `undefined` before {@link initBackend}. */
export function backendName(): string | undefined {
  try {
    return getBackend();
  } catch {
    return undefined;
  }
}
