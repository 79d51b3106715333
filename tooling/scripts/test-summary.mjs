#!/usr/bin/env node
// Adds up the vitest JSON reports of every package (written to <pkg>/.vitest/results.json,
// replayed from the turbo cache when a package is unchanged) and prints one closing line, after
// the list of skipped tests with their reasons: a test that cannot run here is registered as
// skipped with the reason in its title after '[skipped: ' (tooling/testing: needs, parityCases).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');
let passed = 0, failed = 0, skipped = 0;
const rows = [];
const skips = [];
const MARKER = '[skipped: ';
for (const group of ['packages', 'apps', 'tooling']) {
  const base = join(root, group);
  if (!existsSync(base)) continue;
  for (const name of readdirSync(base)) {
    const f = join(base, name, '.vitest', 'results.json');
    if (!existsSync(f)) continue;
    const r = JSON.parse(readFileSync(f, 'utf8'));
    const p = r.numPassedTests ?? 0, x = r.numFailedTests ?? 0, s = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    passed += p; failed += x; skipped += s;
    for (const file of r.testResults ?? []) {
      for (const a of file.assertionResults ?? []) {
        if (a.status !== 'skipped' && a.status !== 'pending' && a.status !== 'todo') continue;
        const full = a.fullName ?? a.title ?? '';
        const i = full.lastIndexOf(MARKER);
        const title = i < 0 ? full : full.slice(0, i).trimEnd();
        const reason = i < 0 ? 'no reason given (register it with needs(...) from @nnkit/tooling-testing)' : full.slice(i + MARKER.length).replace(/\]$/, '');
        skips.push(`  ${group}/${name}: ${title}\n      skipped: ${reason}`);
      }
    }
    rows.push(`  ${`${group}/${name}`.padEnd(22)} ${String(p).padStart(5)} passed ${String(x).padStart(3)} failed ${String(s).padStart(3)} skipped`);
  }
}
console.log(rows.join('\n'));
if (skips.length) console.log(`Skipped tests (${skips.length}), with the reason:\n${skips.join('\n')}`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
