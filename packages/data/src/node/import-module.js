// @ts-check
// How nnkit's worker threads import a user's module by path or URL (TypeScript through tsx).
// Plain JavaScript, like module-worker.js, so the same file runs from src/ and dist/. Kept apart
// from module-worker.js, which starts serving as soon as a worker imports it.
import { pathToFileURL } from 'node:url';

/** @param {unknown} e */
export const describe = (e) => String((e && typeof e === 'object' && 'stack' in e && e.stack) || e);

/**
 * A module path or URL as an importable URL (Windows drive letters are paths).
 * @param {string} spec
 */
export function moduleUrl(spec) {
  return /^[a-z]+:/i.test(spec) && !/^[a-z]:[\\/]/i.test(spec) ? spec : pathToFileURL(spec).href;
}

/**
 * Imports `spec`. A plain `import()` first: in the same module graph as the caller, so a module run
 * under tsx shares the caller's instances of nnkit and tfjs. A TypeScript module in a thread started
 * without a TypeScript loader (Node does not apply `--import` loaders to every worker) goes through
 * tsx's API instead.
 * @param {string} spec
 * @param {string} what the kind of module, for messages ('trial', 'dataset', 'model')
 * @returns {Promise<Record<string, unknown>>}
 */
export async function importModule(spec, what) {
  const url = moduleUrl(spec);
  try {
    return /** @type {Record<string, unknown>} */ (await import(url));
  } catch (e) {
    if (/** @type {{ code?: string }} */ (e)?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
  }
  /** @type {{ tsImport(url: string, parent: string): Promise<Record<string, unknown>> }} */
  let api;
  try {
    api = /** @type {any} */ (await import('tsx/esm/api'));
  } catch (e) {
    throw new Error(`the ${what} module ${spec} is TypeScript: install tsx, or point to compiled JavaScript (${describe(e)})`);
  }
  return api.tsImport(url, url);
}
