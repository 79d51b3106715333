import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { it } from 'vitest';
import { hasSharedData, repoRoot, sharedDataDir } from './fixtures.js';

// A test that cannot run here is registered as skipped with its reason in the title, after the
// marker below; tooling/scripts/test-summary.mjs lists every skipped test with that reason. A
// missing prerequisite is never a pass with a warning.

/** The marker that starts a skip reason in a test title (`… [skipped: no PyTorch at /usr/bin/python3]`). */
export const SKIP_MARKER = '[skipped: ';

/** `title` with the skip reason appended after {@link SKIP_MARKER}. */
export function skipTitle(title: string, reason: string): string {
  return `${title} ${SKIP_MARKER}${reason}]`;
}

type TestFn = () => unknown;

/**
 * `it` when `missing` is undefined; otherwise `it.skip` with the reason in the title.
 *
 * @example
 * ```ts
 * needs(missingTorch())('round-trips through PyTorch', () => { ... });
 * ```
 */
export function needs(missing: string | undefined): (title: string, fn: TestFn, timeout?: number) => void {
  return (title, fn, timeout) => {
    if (missing === undefined) it(title, fn, timeout);
    else it.skip(skipTitle(title, missing), fn);
  };
}

/** The first reason among `reasons` (each undefined when its prerequisite is met). */
export function firstMissing(...reasons: (string | undefined)[]): string | undefined {
  return reasons.find((r) => r !== undefined);
}

/** Debian's Python with PyTorch (not a pyenv `python3`). */
export const TORCH_PYTHON = '/usr/bin/python3';

/** Environment for spawned Python: no `__pycache__` written into the repository. */
export function pythonEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...extra };
}

let torchChecked: string | undefined | null = null;

/** Why Debian's PyTorch cannot be used here, or undefined when `/usr/bin/python3 -c 'import torch'` works. */
export function missingTorch(): string | undefined {
  if (torchChecked === null) {
    const r = existsSync(TORCH_PYTHON) ? spawnSync(TORCH_PYTHON, ['-c', 'import torch, scipy'], { timeout: 120_000, env: pythonEnv() }) : undefined;
    torchChecked =
      r?.status === 0
        ? undefined
        : `no PyTorch + SciPy at ${TORCH_PYTHON} (apt-get install python3-torch python3-torchvision python3-scipy)`;
  }
  return torchChecked;
}

/** The PyTorch reference specs (`../shared/reference`, or `$NNKIT_SHARED/reference`). */
export function referenceDir(): string {
  return join(process.env['NNKIT_SHARED'] ?? resolve(repoRoot, '..', 'shared'), 'reference');
}

/** Why the parity generators cannot run here (no PyTorch, or no `../shared/reference`), or undefined. */
export function missingParityGenerators(): string | undefined {
  return firstMissing(missingTorch(), existsSync(join(referenceDir(), 'safetensors_io.py')) ? undefined : `no PyTorch reference specs at ${referenceDir()}`);
}

/** Why the real data sets cannot be read here, or undefined when `../shared/data` is present. */
export function missingSharedData(): string | undefined {
  return hasSharedData() ? undefined : `no real data at ${sharedDataDir()} (set NNKIT_SHARED_DATA)`;
}

/** Why no Chromium can be driven here, or undefined when the executable exists. */
export function missingChromium(path: string): string | undefined {
  return existsSync(path) ? undefined : `no Chromium at ${path} (apt-get install chromium, or set CHROMIUM_PATH)`;
}

/** A random-configuration sweep's cases (see {@link prepareSweep}). */
export interface Sweep {
  /** The folder of the cases (`*.safetensors`; optim writes them into `__fixtures__/`), or undefined when skipped. */
  dir: string | undefined;
  /** Case file names, sorted. */
  files: string[];
  /** Why the sweep cannot run here, or undefined. */
  missing: string | undefined;
  /** Where the cases came from, for test titles (`seed 0, 2 per kind` or `$NNKIT_SWEEP_DIR`). */
  source: string;
  /** Removes the generated folder (not one given by NNKIT_SWEEP_DIR). */
  cleanup(): void;
}

/**
 * The cases of a random-configuration parity sweep: the folder in `NNKIT_SWEEP_DIR` when set
 * (`tooling/parity/sweep KIND SEED COUNT`), otherwise a small fixed-seed sweep generated now
 * with `tooling/parity/sweeps/sweep_<kind>.py` (`NNKIT_SWEEP_SEED`, `NNKIT_SWEEP_COUNT` override
 * seed and count) into a temporary folder; when PyTorch or the reference is missing, no cases
 * and the reason.
 *
 * @example
 * ```ts
 * const sweep = prepareSweep('nn', { seed: 0, count: 2 });
 * afterAll(() => sweep.cleanup());
 * ```
 */
export function prepareSweep(kind: 'nn' | 'eeg' | 'optim' | 'attention', defaults: { seed: number; count: number }): Sweep {
  const listed = (dir: string): string[] => {
    const d = kind === 'optim' ? join(dir, '__fixtures__') : dir;
    return existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.safetensors')).sort() : [];
  };
  const given = process.env['NNKIT_SWEEP_DIR'];
  if (given) return { dir: given, files: listed(given), missing: undefined, source: given, cleanup: () => {} };
  const seed = Number(process.env['NNKIT_SWEEP_SEED'] ?? defaults.seed);
  const count = Number(process.env['NNKIT_SWEEP_COUNT'] ?? defaults.count);
  const source = `seed ${seed}, count ${count}`;
  const missing = missingParityGenerators();
  if (missing) return { dir: undefined, files: [], missing, source, cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), `nnkit-sweep-${kind}-`));
  const parity = join(repoRoot, 'tooling', 'parity');
  const r = spawnSync(TORCH_PYTHON, [join(parity, 'sweeps', `sweep_${kind}.py`), dir, String(seed), String(count)], {
    encoding: 'utf8',
    timeout: 300_000,
    env: pythonEnv({ PYTHONPATH: parity }),
  });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`sweep_${kind}.py ${seed} ${count} failed (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return { dir, files: listed(dir), missing: undefined, source, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
