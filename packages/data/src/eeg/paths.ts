/**
 * Joins path parts with `/` (works for Node paths on every OS Node accepts and for URLs);
 * kept here so the data-set loaders need no `node:path` import at module load.
 */
export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/').replace(/\/{2,}/gu, '/');
}

/** Default data root: `../shared/data/<name>` relative to the current working directory. */
export function defaultRoot(name: string): string {
  const cwd = typeof process !== 'undefined' && typeof process.cwd === 'function' ? process.cwd() : '.';
  return joinPath(cwd, '..', 'shared', 'data', name);
}
