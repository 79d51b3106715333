// Short fuzz mode (CI): a couple of hundred inputs per reader, each reader in its own child
// process. The long mode (≥ 10,000 per reader) is `NNKIT_FUZZ_LONG=1 pnpm fuzz` (see README).
import { describe, expect, it } from 'vitest';
import { fuzzTarget, TARGETS } from './harness.js';

const SHORT: Record<string, number> = { mat5: 60, mat73: 80 };
const count = (t: string): number => Number(process.env.NNKIT_FUZZ_COUNT ?? SHORT[t] ?? 200);

describe.concurrent('fuzz (short mode)', () => {
  for (const t of TARGETS) {
    it(`${t}: every input parses or throws a FormatError naming the file; no hang, death or memory outlier`, async () => {
      // CPU budget per input is 1 s; CI machines are shared, so the short mode allows 3 s.
      const r = await fuzzTarget(t, { count: count(t), budgetMs: 3000 });
      expect(r.examples).toEqual([]);
      expect(r.inputs).toBe(count(t));
      expect(r.ok + r.typed).toBe(r.inputs);
    }, 600_000);
  }
});
