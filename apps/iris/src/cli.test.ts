import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIrisArgs, UsageError } from './cli.js';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const run = (args: string[]) => spawnSync(process.execPath, ['--conditions=@nnkit/source', '--import', 'tsx', main, ...args], { encoding: 'utf8', timeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'nnkit-iris-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('iris command line', () => {
  it('parses every flag', () => {
    expect(parseIrisArgs(['--epochs', '5', '--lr', '0.1', '--batch-size', '8', '--seed', '3', '--backend', 'cpu', '--out', 'x', '--json'])).toEqual({
      epochs: 5, lr: 0.1, batchSize: 8, seed: 3, backend: 'cpu', out: 'x', json: true, help: false,
    });
    expect(parseIrisArgs([])).toMatchObject({ epochs: 150, lr: 0.2, batchSize: 16, seed: 0, backend: undefined, json: false });
    expect(parseIrisArgs(['--', '--seed', '2']).seed).toBe(2);
  });

  const bad: Array<[string[], RegExp]> = [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--seed=-5'], /--seed must be an integer from 0/],
    [['--seed', '-5'], /argument is ambiguous/],
    [['--epochs', '0'], /--epochs must be an integer >= 1, got '0'/],
    [['--lr', 'fast'], /--lr must be a number > 0/],
    [['--batch-size', '1.5'], /--batch-size must be an integer/],
    [['--backend', 'webgpu'], /--backend must be wasm or cpu/],
    [['extra'], /positional/],
  ];
  for (const [args, re] of bad) {
    it(`refuses ${args.join(' ')} with a usage error`, () => {
      expect(() => parseIrisArgs(args)).toThrow(UsageError);
      expect(() => parseIrisArgs(args)).toThrow(re);
    });
  }

  it('--help prints the usage and exits 0', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: pnpm iris/);
  }, 120_000);

  it('an unknown flag: one usage line, exit 2, no stack trace', () => {
    const r = run(['--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^iris: Unknown option '--bogus'/), expect.stringMatching(/^usage: pnpm iris/)]);
  }, 120_000);

  it('--json --epochs 10: the last line of stdout is one JSON object with the results; the figures are written', () => {
    const r = run(['--json', '--epochs', '10', '--seed', '1', '--out', dir]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const res = JSON.parse(lines.at(-1)!) as { mlp: { testAccuracy: number; steps: number }; softmaxRegression: { testAccuracy: number }; prediction: { trueName: string }; figures: string[]; seed: number };
    expect(res.seed).toBe(1);
    expect(res.mlp.steps).toBe(80);
    expect(res.mlp.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(typeof res.softmaxRegression.testAccuracy).toBe('number');
    expect(['setosa', 'versicolor', 'virginica']).toContain(res.prediction.trueName);
    expect(res.figures.map((f) => f.slice(dir.length + 1))).toEqual(['scatter.png', 'training-curves.png', 'decision-boundary-softmax.png', 'decision-boundary-mlp.png']);
    for (const f of res.figures) expect(readFileSync(f).subarray(1, 4).toString()).toBe('PNG');
    expect(r.stderr).toMatch(/\[Test\] MLP: accuracy/);
  }, 180_000);
});
