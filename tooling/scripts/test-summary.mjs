#!/usr/bin/env node
// Adds up the vitest JSON reports of every package (written to <pkg>/.vitest/results.json,
// replayed from the turbo cache when a package is unchanged) and prints one closing line.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');
let passed = 0, failed = 0, skipped = 0;
const rows = [];
for (const group of ['packages', 'apps', 'tooling']) {
  const base = join(root, group);
  if (!existsSync(base)) continue;
  for (const name of readdirSync(base)) {
    const f = join(base, name, '.vitest', 'results.json');
    if (!existsSync(f)) continue;
    const r = JSON.parse(readFileSync(f, 'utf8'));
    const p = r.numPassedTests ?? 0, x = r.numFailedTests ?? 0, s = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    passed += p; failed += x; skipped += s;
    rows.push(`  ${`${group}/${name}`.padEnd(22)} ${String(p).padStart(5)} passed ${String(x).padStart(3)} failed ${String(s).padStart(3)} skipped`);
  }
}
console.log(rows.join('\n'));
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
