import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Repository root (two levels above tooling/testing/src). */
export const repoRoot = resolve(here, '..', '..', '..');

/** `../shared/data` beside the repository, or NNKIT_SHARED_DATA when set. */
export function sharedDataDir(): string {
  return process.env.NNKIT_SHARED_DATA ?? resolve(repoRoot, '..', 'shared', 'data');
}

/** True when the real data sets in `../shared/data` are present. */
export function hasSharedData(): boolean {
  return existsSync(sharedDataDir());
}

/** Absolute path of a fixture file in the `__fixtures__` folder next to a test (pass `import.meta.url`). */
export function fixturePath(testUrl: string, name: string): string {
  return join(dirname(fileURLToPath(testUrl)), '__fixtures__', name);
}

/** Reads a fixture file as bytes. */
export function loadFixture(testUrl: string, name: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(testUrl, name)));
}
