// Long fuzz mode: `NNKIT_FUZZ_LONG=1 pnpm --filter @nnkit/tooling-fuzz fuzz [target…]`
// (NNKIT_FUZZ_COUNT overrides the count; NNKIT_FUZZ_SEED the seed). Prints a table; writes the
// report (also partial, every 30 s) to NNKIT_FUZZ_REPORT (default fuzz-report.json).
import { writeFileSync } from 'node:fs';
import { clean, fuzzTarget, table, TARGETS, type TargetReport } from './harness.js';

const long = process.env.NNKIT_FUZZ_LONG === '1';
const count = Number(process.env.NNKIT_FUZZ_COUNT ?? (long ? 10_000 : 300));
const seed = Number(process.env.NNKIT_FUZZ_SEED ?? 12);
const names = process.argv.slice(2).length ? process.argv.slice(2) : [...TARGETS];
const reports: TargetReport[] = [];
const out = process.env.NNKIT_FUZZ_REPORT ?? 'fuzz-report.json';
for (const name of names) {
  let last = Date.now();
  const r = await fuzzTarget(name, {
    count,
    seed,
    onProgress: (partial) => {
      if (Date.now() - last > 30_000) {
        last = Date.now();
        console.error(`${name}: ${partial.inputs}/${count}`);
        writeFileSync(out, JSON.stringify([...reports, { ...partial, partial: true }], null, 2));
      }
    },
  });
  reports.push(r);
  console.log(table([r]).split('\n')[2]);
  for (const e of r.examples) console.log(`  ${e}`);
  writeFileSync(out, JSON.stringify(reports, null, 2));
}
console.log(table(reports));
process.exitCode = reports.every(clean) ? 0 : 1;
