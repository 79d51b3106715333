// @nnkit/tooling-cli: what every app's command line shares (see apps/iris/src/cli.ts for the conventions).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { NnkitError } from '@nnkit/tensor';

/** A bad command line: printed as one line with the usage line; exit status 2. */
export class UsageError extends Error {}

/** A missing file or folder: printed as one line; exit status 1. */
export class MissingError extends Error {}

/** The folder a relative path flag is resolved against: where `pnpm` was started. */
export const userCwd = (): string => process.env['INIT_CWD'] ?? process.cwd();

/** Resolves a path flag against {@link userCwd}. */
export const userPath = (p: string): string => resolve(userCwd(), p);

/** The shared data folder: `$NNKIT_SHARED_DATA`, else `../shared/data` beside the checkout. */
export function sharedData(name: string): string {
  const base = process.env['NNKIT_SHARED_DATA'] ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));
  return resolve(base, name);
}

/**
 * An app's ignored output folder: `out/<sub>` beside the app's `src/` (pass `import.meta.url` of a
 * file in `src/`).
 */
export const defaultOut = (srcFileUrl: string, sub: string): string => fileURLToPath(new URL(`../out/${sub}`, srcFileUrl));

/**
 * Parses flags strictly: unknown flags and positionals (unless allowed) become a {@link UsageError}.
 * @example
 * ```ts
 * const v = parseFlags(['--epochs', '3'], { epochs: { type: 'string' } });
 * ```
 */
export function parseFlags(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>, allowPositionals = false): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv[0] === '--' ? argv.slice(1) : [...argv], options, strict: true, allowPositionals });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!);
  }
}

/** An integer flag in [min, max]. */
export function intFlag(name: string, v: string | boolean | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got '${String(v)}'`);
  }
  return n;
}

/** One of a set of words. */
export function choiceFlag<T extends string>(name: string, v: string | boolean | undefined, choices: readonly T[]): T {
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${choices.join('|')}, got '${String(v)}'`);
  return v as T;
}

/** Throws {@link MissingError} when `path` does not exist. */
export function requirePath(path: string, what: string): void {
  if (!existsSync(path)) throw new MissingError(`${what} not found: ${path}`);
}

/**
 * Runs a command's main function: usage errors → one line + the usage line, exit 2; missing
 * files and nnkit errors → one line, exit 1; anything else → its name and message, exit 1.
 */
export function runCommand(name: string, usage: string, main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`${name}: ${e.message}\n${usage.split('\n')[0]}\n`);
      process.exit(2);
    }
    const code = (e as { code?: string }).code;
    const msg =
      e instanceof MissingError || e instanceof NnkitError
        ? e.message
        : code === 'ENOENT'
          ? `file not found: ${(e as { path?: string }).path ?? (e as Error).message}`
          : e instanceof Error
            ? `${e.name}: ${e.message}`
            : String(e);
    process.stderr.write(`${name}: ${msg.split('\n')[0]}\n`);
    process.exit(1);
  });
}

/**
 * A one-line progress bar on stderr (only when stderr is a TTY and `CI` is unset): call
 * `update(done, note)`; `done()` ends the line.
 */
export function progressBar(total: number, label: string): { update(done: number, note?: string): void; done(): void } {
  const on = process.stderr.isTTY === true && !process.env['CI'];
  const t0 = performance.now();
  return {
    update(done, note = '') {
      if (!on) return;
      const w = 24;
      const f = Math.round((w * done) / total);
      const eta = done > 0 ? ((performance.now() - t0) / done) * (total - done) / 1000 : Number.NaN;
      process.stderr.write(`\r${label} ${'█'.repeat(f)}${'░'.repeat(w - f)} ${done}/${total} ${note} ETA ${Number.isFinite(eta) ? `${eta.toFixed(0)}s` : '-'}   `);
    },
    done() {
      if (on) process.stderr.write('\n');
    },
  };
}
