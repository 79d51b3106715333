// The parity harness: every committed parity test (and the sweeps) registers its cases with
// parityCases, so each case is its own `it` (the first failure does not hide the rest) and
// tensors are counted around each case. Module cases (train mode, dropout off, gradients) are in
// `@nnkit/tooling-testing/parity` (checkModuleCase, disableDropout), which imports @nnkit/nn.
import { memory } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { skipTitle } from './requirements.js';

/** Options of {@link parityCases}. */
export interface ParityOptions<C> {
  /** The `it` title of a case (default: `case.name`, else the JSON of the case). */
  name?: (c: C) => string;
  /** Per-case timeout in ms. */
  timeout?: number;
  /** Why the cases cannot run here: each is registered as skipped with this reason. */
  missing?: string | undefined;
  /** Fail a case that leaves more tfjs tensors than it found (default true). */
  leaks?: boolean;
}

/**
 * Registers one `it` per parity case under `describe(title)`: `check(c)` runs each case, and the
 * number of live tfjs tensors must be the same after it as before (unless `leaks: false`, for
 * checks that keep shared fixtures loaded).
 *
 * @example
 * ```ts
 * const cases = readFixtureConfig<{ name: string }[]>(import.meta.url, 'losses');
 * parityCases('losses vs PyTorch', cases, (c) => { ... });
 * ```
 */
export function parityCases<C>(title: string, cases: readonly C[], check: (c: C) => unknown, opts: ParityOptions<C> = {}): void {
  const name = opts.name ?? ((c: C) => (typeof c === 'object' && c !== null && 'name' in c ? String((c as { name: unknown }).name) : JSON.stringify(c)));
  describe(title, () => {
    if (cases.length === 0) it.skip(skipTitle('parity cases', opts.missing ?? 'no cases'), () => {});
    for (const c of cases) {
      if (opts.missing !== undefined) {
        it.skip(skipTitle(name(c), opts.missing), () => {});
        continue;
      }
      it(
        name(c),
        async () => {
          const before = memory().numTensors;
          await check(c);
          if (opts.leaks !== false) expect(memory().numTensors, `${name(c)}: tfjs tensors left behind`).toBe(before);
        },
        opts.timeout,
      );
    }
  });
}
