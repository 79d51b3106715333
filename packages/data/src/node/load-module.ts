/** The loader shared by nnkit's worker threads (plain JavaScript, loaded by URL so its types stay here). */
const IMPORT_MODULE_URL = new URL('./import-module.js', import.meta.url);

/**
 * Imports a user's module by absolute path or URL, as nnkit's worker threads do (DataLoader
 * workers, gridSearch trials, data-parallel replicas): TypeScript (`.ts`, `.mts`, `.cts`)
 * through tsx's API when tsx is installed, JavaScript directly. `what` names the kind of module
 * in the error when tsx is missing.
 *
 * @example
 * ```ts
 * const mod = await importModule('/abs/path/model.ts', 'model');
 * const createModel = mod['createModel'];
 * ```
 */
export async function importModule(spec: string, what: string): Promise<Record<string, unknown>> {
  const m = (await import(IMPORT_MODULE_URL.href)) as { importModule(spec: string, what: string): Promise<Record<string, unknown>> };
  return m.importModule(spec, what);
}
