#!/usr/bin/env node
// Boundary check for the monorepo: no package imports another package's internals
// (deep paths, src/ or dist/), no relative import escapes its package, every bare
// import of a workspace or third-party package is declared in package.json (tests and build scripts may
// use devDependencies), and dependencies point one way: vision (which builds on attention) -> models (eeg, attention)
// -> train -> nn/data/metrics -> tensor; never sideways or up.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { builtinModules } from 'node:module';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');
const layers = { tensor: 0, nn: 1, data: 1, metrics: 1, train: 2, attention: 3, eeg: 3, queue: 3, vision: 4 };
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const errors = [];

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

const importRe = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

for (const group of ['packages', 'apps']) {
  const base = join(root, group);
  if (!existsSync(base)) continue;
  for (const pkgName of readdirSync(base)) {
    const pkgDir = join(base, pkgName);
    const pj = join(pkgDir, 'package.json');
    if (!existsSync(pj)) continue;
    const pkg = JSON.parse(readFileSync(pj, 'utf8'));
    const prod = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
    const dev = new Set([...prod, ...Object.keys(pkg.devDependencies ?? {})]);
    const srcDir = join(pkgDir, 'src');
    if (!existsSync(srcDir)) continue;
    for (const file of walk(pkgDir)) {
      const rel = relative(root, file);
      const isTest = /\.(test|bench)\.ts$/.test(file) || file.includes(`${sep}test${sep}`) || file.includes(`${sep}__fixtures__${sep}`) || file.includes(`${sep}bench${sep}`) || file.includes('test-utils') || /vite(st)?\.config/.test(file) || file.includes(`${sep}scripts${sep}`);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(importRe)) {
        const spec = m[1] ?? m[2] ?? m[3];
        if (!spec) continue;
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (!target.startsWith(pkgDir + sep)) errors.push(`${rel}: relative import '${spec}' leaves its package`);
          if (/(^|\/)dist(\/|$)/.test(spec)) errors.push(`${rel}: imports a dist/ path '${spec}'`);
          continue;
        }
        if (builtins.has(spec) || builtins.has(spec.split('/')[0])) continue;
        const parts = spec.split('/');
        const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
        const subpath = parts.slice(spec.startsWith('@') ? 2 : 1).join('/');
        if (name.startsWith('@nnkit/')) {
          if (subpath && (/^(src|dist|lib)(\/|$)/.test(subpath) || subpath.includes('internal'))) {
            errors.push(`${rel}: imports another package's internals '${spec}'`);
          }
          const from = group === 'packages' ? layers[pkgName] : undefined;
          const to = layers[name.slice(7)];
          if (from !== undefined && to !== undefined && to >= from && name !== pkg.name && !isTest) {
            errors.push(`${rel}: ${pkg.name} (layer ${from}) must not import ${name} (layer ${to}); dependencies point models -> nn -> tensor`);
          }
        }
        if (/(^|\/)dist(\/|$)/.test(subpath) && !name.startsWith('@tensorflow/')) errors.push(`${rel}: imports a dist/ path '${spec}'`);
        if (name === pkg.name) continue;
        if (!(isTest ? dev : prod).has(name)) {
          errors.push(`${rel}: imports '${name}' which is not declared in ${relative(root, pj)} ${isTest ? '(any dependency field)' : '(dependencies/peerDependencies)'}`);
        }
      }
    }
  }
}

if (errors.length) {
  console.error(`check-imports: ${errors.length} problem(s)\n  ${errors.join('\n  ')}`);
  process.exit(1);
}
console.log('check-imports: package boundaries OK');
