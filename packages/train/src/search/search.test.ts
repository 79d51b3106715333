import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@nnkit/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridSearch } from './grid-search.js';
import { gridPoints, kFold, trialKey } from './grid.js';
import { formatSearchTable } from './table.js';
import type { TrialContext } from './types.js';
import type { LineData } from './__fixtures__/linear-trial.js';

beforeAll(async () => {
  await initBackend();
});

const dir = mkdtempSync(join(tmpdir(), 'nnkit-search-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const xs = Array.from({ length: 20 }, (_, i) => i / 10 - 1);
const line: LineData = { x: xs, y: xs.map((v) => 2 * v + 1), length: 20 };

describe('grid, folds', () => {
  it('enumerates the grid and splits like KFold', () => {
    expect(gridPoints({ a: [1, 2], b: ['x', 'y', 'z'] }).length).toBe(6);
    expect(gridPoints({ a: [1, 2], b: ['x'] })).toEqual([{ a: 1, b: 'x' }, { a: 2, b: 'x' }]);
    expect(trialKey({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    const f = kFold(10, 3);
    expect(f.map((x) => x.test.length)).toEqual([4, 3, 3]);
    expect(f[1]!.test).toEqual([4, 5, 6]);
    const s = kFold(10, 3, { shuffle: true, seed: 1 });
    expect(s.flatMap((x) => x.test).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(() => gridPoints({ a: [] })).toThrow(/non-empty/);
    expect(() => kFold(2, 3)).toThrow(/cannot split/);
  });
});

describe('gridSearch', () => {
  const score = (ctx: TrialContext<LineData>): number => -Math.abs((ctx.params['a'] as number) - 3) - ctx.fold * 0.01;

  it('in-thread: ranks by mean CV score; resumes from the results file, skipping finished trials', async () => {
    const resultsFile = join(dir, 'inthread.jsonl');
    let calls = 0;
    const failing = (ctx: TrialContext<LineData>): number => {
      if (++calls === 7) throw new Error('interrupted');
      return score(ctx);
    };
    const space = { a: [1, 2, 3, 4], b: [true] };
    await expect(gridSearch({ space, trial: failing, data: line, cv: 3, resultsFile })).rejects.toThrow(/interrupted/);
    expect(readFileSync(resultsFile, 'utf8').trim().split('\n').length).toBe(6);
    writeFileSync(resultsFile, `${readFileSync(resultsFile, 'utf8')}{"key":"torn`); // a torn last line
    calls = 0;
    const counting = (ctx: TrialContext<LineData>): number => (calls++, score(ctx));
    // `build` is the article's name for the trial function
    const res = await gridSearch({ space, build: counting, data: line, cv: 3, resultsFile });
    expect(res.skipped).toBe(6);
    expect(calls).toBe(6);
    expect(res.trials.length).toBe(12);
    expect(res.rows.map((r) => r.params['a'])).toEqual([3, 2, 4, 1]);
    expect(res.best.mean['score']).toBeCloseTo(-0.01, 10);
    expect(res.best.folds).toBe(3);
    await expect(gridSearch({ space, data: line })).rejects.toThrow(/pass the trial as `trial` \(or its alias `build`\)/);
    const table = formatSearchTable(res.rows);
    expect(table.split('\n')[0]).toMatch(/^rank\s+a\s+b\s+score\s+folds$/);
    expect(table.split('\n')[1]).toMatch(/^1\s+3\s+true\s+-0\.0100 ± 0\.0082\s+3$/);
  });

  it('runs a trial module in 2 worker threads (one backend each) and in this thread alike', async () => {
    const module = fileURLToPath(new URL('./__fixtures__/linear-trial.ts', import.meta.url));
    const space = { lr: [0.01, 0.3], epochs: [5, 40] };
    const opts = { space, data: line, cv: { k: 4, shuffle: true, seed: 3 }, score: 'neg_mse' } as const;
    const inThread = await gridSearch({ ...opts, trial: { module, export: 'trial' }, workers: 0 });
    const resultsFile = join(dir, 'workers.jsonl');
    const done: number[] = [];
    const par = await gridSearch({
      ...opts,
      trial: { module, export: 'trial', setup: 'setup' },
      workers: 2,
      workerExecArgv: ['--conditions=@nnkit/source', '--import', 'tsx'],
      resultsFile,
      onTrial: (_r, n) => done.push(n),
    });
    expect(done.length).toBe(16);
    expect(par.trials.every((t) => t.scores['thread'] === 1)).toBe(true);
    expect(inThread.trials.every((t) => t.scores['thread'] === 0)).toBe(true);
    expect(par.best.params).toEqual({ lr: 0.3, epochs: 40 });
    expect(par.rows.map((r) => r.params)).toEqual(inThread.rows.map((r) => r.params));
    for (let i = 0; i < 4; i++) expect(par.rows[i]!.mean['neg_mse']).toBeCloseTo(inThread.rows[i]!.mean['neg_mse']!, 5);
    expect(readFileSync(resultsFile, 'utf8').trim().split('\n').length).toBe(16);
    const again = await gridSearch({ ...opts, trial: { module }, workers: 2, resultsFile });
    expect(again.skipped).toBe(16);
    await expect(gridSearch({ space, trial: { module, export: 'nope' }, workers: 1, workerExecArgv: ['--conditions=@nnkit/source', '--import', 'tsx'] })).rejects.toThrow(/export 'nope'/);
  });
});
