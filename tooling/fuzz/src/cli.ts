// Long fuzz mode: `NNKIT_FUZZ_LONG=1 pnpm --filter @nnkit/tooling-fuzz fuzz [target…]`
// (NNKIT_FUZZ_COUNT overrides the count; NNKIT_FUZZ_SEED the seed). Prints a table; writes
// fuzz-report.json in the current folder.
import { writeFileSync } from 'node:fs';
import { clean, fuzzTarget, table, TARGETS, type TargetReport } from './harness.js';

const long = process.env.NNKIT_FUZZ_LONG === '1';
const count = Number(process.env.NNKIT_FUZZ_COUNT ?? (long ? 10_000 : 300));
const seed = Number(process.env.NNKIT_FUZZ_SEED ?? 12);
const names = process.argv.slice(2).length ? process.argv.slice(2) : [...TARGETS];
const reports: TargetReport[] = [];
for (const name of names) {
  let last = Date.now();
  const r = await fuzzTarget(name, {
    count,
    seed,
    onProgress: (n) => {
      if (Date.now() - last > 30_000) {
        last = Date.now();
        console.error(`${name}: ${n}/${count}`);
      }
    },
  });
  reports.push(r);
  console.log(table([r]).split('\n')[2]);
  for (const e of r.examples) console.log(`  ${e}`);
  writeFileSync('fuzz-report.json', JSON.stringify(reports, null, 2));
}
console.log(table(reports));
process.exitCode = reports.every(clean) ? 0 : 1;
