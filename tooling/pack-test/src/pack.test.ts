// `npm pack` of @nnkit/eeg and every @nnkit package it depends on, installed into an empty
// project as a user would: the plotting stack (vega, vega-lite, the native @resvg binary) and
// cli-progress are optional peers, so they must not be installed; and a plain Node import of
// @nnkit/eeg (no source condition, no tsx) must work from the packed dist/.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
/** The own-project example scripts (README: "nnkit from your own project"). */
const example = fileURLToPath(new URL('../example/', import.meta.url));
/** @nnkit/eeg and its @nnkit dependencies, lowest first. */
const PACKAGES = ['tensor', 'nn', 'data', 'metrics', 'train', 'eeg'];
const PNPM = ['-y', 'pnpm@10.34.9'];
const dir = mkdtempSync(join(tmpdir(), 'nnkit-pack-'));
const project = join(dir, 'project');
const env = { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };
const run = (cmd: string, args: string[], cwd: string): string => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env });
const runAsync = async (cmd: string, args: string[], cwd: string): Promise<string> => (await promisify(execFile)(cmd, args, { cwd, encoding: 'utf8', env })).stdout;

beforeAll(async () => {
  const t0 = performance.now();
  // Under turbo this task depends on ^build (dist/ is fresh); run alone, it builds a missing dist/.
  for (const p of PACKAGES) {
    const pkg = join(root, 'packages', p);
    if (!existsSync(join(pkg, 'dist', 'index.js'))) run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], pkg);
  }
  // pnpm pack rewrites workspace: ranges into real versions, as publishing does
  await Promise.all(PACKAGES.map((p) => runAsync('npx', [...PNPM, 'pack', '--pack-destination', dir], join(root, 'packages', p))));
  const t1 = performance.now();
  const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz')).map((f) => join(dir, f));
  expect(tarballs.length).toBe(PACKAGES.length);
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'empty', version: '1.0.0', private: true, type: 'module' }));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], project);
  const s = (a: number, b: number): string => ((b - a) / 1000).toFixed(1);
  console.log(`pack-test: packed ${PACKAGES.length} packages in ${s(t0, t1)} s, npm install in ${s(t1, performance.now())} s`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm pack of @nnkit/eeg and its @nnkit dependencies, installed into an empty project', () => {
  it.each(['vega', 'vega-lite', '@resvg/resvg-js', 'cli-progress'])('does not install %s', (name) => {
    expect(existsSync(join(project, 'node_modules', name))).toBe(false);
  });

  it('installs no @resvg native binary at all', () => {
    expect(existsSync(join(project, 'node_modules', '@resvg'))).toBe(false);
  });

  it('installs the @nnkit packages and the tfjs peers', () => {
    for (const p of PACKAGES) expect(existsSync(join(project, 'node_modules', '@nnkit', p, 'dist', 'index.js')), `@nnkit/${p}`).toBe(true);
    expect(existsSync(join(project, 'node_modules', '@tensorflow', 'tfjs-core'))).toBe(true);
  });

  it('a plain `node -e` import of @nnkit/eeg works and builds a model', () => {
    const out = run(
      'node',
      ['--input-type=module', '-e', "const { initBackend } = await import('@nnkit/tensor'); await initBackend('cpu'); const eeg = await import('@nnkit/eeg'); const m = new eeg.EEGTCNet({ nChans: 3, nClasses: 2 }); console.log(typeof eeg.EEGNet, m.constructor.name);"],
      project,
    );
    expect(out.trim()).toBe('function EEGTCNet');
  });

  it('a user script (plain node script.mjs: no tsx, no export conditions) trains a tiny model and prints its loss', () => {
    writeFileSync(join(project, 'train.mjs'), readFileSync(join(example, 'train.mjs')));
    const loss = Number(run('node', ['train.mjs'], project).trim());
    expect(loss).toBeGreaterThanOrEqual(0);
    expect(loss).toBeLessThan(0.05);
  });

  it('the TypeScript variant type-checks against the packed .d.ts files, compiles and runs', () => {
    for (const f of ['train.ts', 'tsconfig.json']) writeFileSync(join(project, f), readFileSync(join(example, f)));
    run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], project);
    const loss = Number(run('node', ['train.js'], project).trim());
    expect(loss).toBeLessThan(0.05);
  });

  it('a missing optional plotting package is an nnkit error naming it', () => {
    const out = run(
      'node',
      ['--input-type=module', '-e', "const { renderSvg } = await import('@nnkit/metrics/plots-node'); try { await renderSvg({ spec: {} }); } catch (e) { console.log(e.name, e.message); }"],
      project,
    );
    expect(out.trim()).toMatch(/^NotSupportedError renderSvg: needs the optional package 'vega', which is not installed \(npm install vega\)$/);
  });
});
