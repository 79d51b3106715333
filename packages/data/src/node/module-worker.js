// @ts-check
// The one worker-thread entry of nnkit (DataLoader workers in @nnkit/data, gridSearch trials in
// @nnkit/train), started by ModuleWorkerPool (module-worker-pool.ts). Plain JavaScript so the
// same file runs from src/ (tests, no build) and from dist/; typechecked by tsc (checkJs).
//
// Protocol — workerData: ModuleWorkerInit (see module-worker-protocol.ts). The worker imports
// `module` (TypeScript through tsx when installed), runs its `setup` export, then takes the
// export `export`: with `factoryArgs` it calls it once and keeps the object it returns (a data
// set), otherwise it keeps the function (a trial). Each task `{ id, method, calls }` runs every
// argument list of `calls` (on `target[method]`, or on the function) and answers
// `{ type: 'result', id, results }`, or `{ type: 'error', id, message }`; `{ type: 'ready' }` once
// loaded, `{ type: 'fatal', message }` when loading failed.
import { parentPort, workerData } from 'node:worker_threads';
import { describe, importModule } from './import-module.js';

export { importModule, moduleUrl } from './import-module.js';

/** @typedef {import('./module-worker-protocol.js').ModuleWorkerInit} ModuleWorkerInit */
/** @typedef {import('./module-worker-protocol.js').WorkerTask} WorkerTask */
/** @typedef {import('./module-worker-protocol.js').WorkerMessage} WorkerMessage */

/**
 * Loads what the tasks run on, as `init` says.
 * @param {ModuleWorkerInit} init
 * @returns {Promise<(method: string | undefined, args: unknown[]) => unknown>}
 */
export async function loadTarget(init) {
  const mod = await importModule(init.module, init.what);
  if (init.setup) {
    const setup = mod[init.setup];
    if (typeof setup !== 'function') throw new Error(`export '${init.setup}' of ${init.module} is not a function`);
    await setup();
  }
  const fn = mod[init.export];
  if (typeof fn !== 'function') throw new Error(`export '${init.export}' of ${init.module} is not a function`);
  if (init.factoryArgs === undefined) {
    return (_method, args) => fn(...args);
  }
  const target = await fn(...init.factoryArgs);
  const methods = init.methods ?? [];
  for (const m of methods) {
    if (!target || typeof target[m] !== 'function') {
      throw new Error(`export '${init.export}' of ${init.module} did not return ${init.what === 'dataset' ? 'a data set' : 'an object'} (an object with ${m}(...))`);
    }
  }
  return (method, args) => target[/** @type {string} */ (method)](...args);
}

/**
 * Runs one task: every argument list of `task.calls`, the shared value merged into each first
 * argument under `init.sharedKey` when set.
 * @param {ModuleWorkerInit} init
 * @param {(method: string | undefined, args: unknown[]) => unknown} call
 * @param {WorkerTask} task
 */
export function runTask(init, call, task) {
  return Promise.all(
    task.calls.map((args) => {
      const a = init.sharedKey === undefined ? args : [{ .../** @type {object} */ (args[0]), [init.sharedKey]: init.shared }, ...args.slice(1)];
      return call(task.method, a);
    }),
  );
}

/**
 * The buffers of the typed arrays in `results` (top level, or one level inside plain objects),
 * each once: moved to the main thread instead of copied when `init.transferResults` is set.
 * @param {unknown[]} results
 * @returns {ArrayBuffer[]}
 */
export function transferables(results) {
  /** @type {Set<ArrayBuffer>} */
  const out = new Set();
  /** @param {unknown} v */
  const add = (v) => {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) out.add(v.buffer);
  };
  for (const r of results) {
    add(r);
    if (r && typeof r === 'object' && Object.getPrototypeOf(r) === Object.prototype) for (const v of Object.values(r)) add(v);
  }
  return [...out];
}

async function main() {
  const port = parentPort;
  if (!port) return; // imported, not started as a worker (tests of the functions above)
  /** @param {WorkerMessage} m */
  const post = (m) => port.postMessage(m);
  const init = /** @type {ModuleWorkerInit} */ (workerData);
  /** @type {(method: string | undefined, args: unknown[]) => unknown} */
  let call;
  try {
    call = await loadTarget(init);
  } catch (e) {
    post({ type: 'fatal', message: describe(e) });
    return;
  }
  port.on('message', async (/** @type {WorkerTask} */ task) => {
    try {
      const results = await runTask(init, call, task);
      port.postMessage({ type: 'result', id: task.id, results }, init.transferResults ? transferables(results) : []);
    } catch (e) {
      post({ type: 'error', id: task.id, message: describe(e) });
    }
  });
  post({ type: 'ready' });
}

void main();
