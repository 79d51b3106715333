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
import { pathToFileURL } from 'node:url';

/** @typedef {import('./module-worker-protocol.js').ModuleWorkerInit} ModuleWorkerInit */
/** @typedef {import('./module-worker-protocol.js').WorkerTask} WorkerTask */
/** @typedef {import('./module-worker-protocol.js').WorkerMessage} WorkerMessage */

/** @param {unknown} e */
const describe = (e) => String((e && typeof e === 'object' && 'stack' in e && e.stack) || e);

/**
 * A module path or URL as an importable URL (Windows drive letters are paths).
 * @param {string} spec
 */
export function moduleUrl(spec) {
  return /^[a-z]+:/i.test(spec) && !/^[a-z]:[\\/]/i.test(spec) ? spec : pathToFileURL(spec).href;
}

/**
 * Imports `spec`: TypeScript modules through tsx's API (Node does not apply `--import` loaders to
 * every worker), JavaScript directly.
 * @param {string} spec
 * @param {string} what the kind of module, for messages ('trial', 'dataset')
 * @returns {Promise<Record<string, unknown>>}
 */
export async function importModule(spec, what) {
  const url = moduleUrl(spec);
  if (/\.[cm]?ts$/.test(url)) {
    /** @type {{ tsImport(url: string, parent: string): Promise<Record<string, unknown>> }} */
    let api;
    try {
      api = /** @type {any} */ (await import('tsx/esm/api'));
    } catch (e) {
      throw new Error(`a TypeScript ${what} module needs the tsx package (or point to compiled JavaScript): ${describe(e)}`);
    }
    return api.tsImport(url, url);
  }
  return /** @type {Record<string, unknown>} */ (await import(url));
}

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
      post({ type: 'result', id: task.id, results: await runTask(init, call, task) });
    } catch (e) {
      post({ type: 'error', id: task.id, message: describe(e) });
    }
  });
  post({ type: 'ready' });
}

void main();
