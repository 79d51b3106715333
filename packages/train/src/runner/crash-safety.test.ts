// Kill-during-save: a child process SIGKILLs itself before each single storage write operation
// of a short checkpointed run (every kill point in turn); after each crash every checkpoint
// left on disk must load whole (no files from different steps), and the newest one must resume
// to the same final weights as the uninterrupted run. The same for a best-only model checkpoint
// (`ModelCheckpoint({ bestOnly: true, full: false })`, rewritten at every improvement): the best
// model on disk always loads whole and is the last one committed. NNKIT_CRASH_LONG=1: a longer run.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CrossEntropyLoss } from '@nnkit/nn';
import { initBackend, manualSeed } from '@nnkit/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCheckpoint } from '../callbacks/model-checkpoint.js';
import { SGD } from '../optim/sgd.js';
import type { LoopState } from './fit.js';
import { Runner } from './runner.js';
import { nodeStorage } from './storage.js';
import { ArrayLoader, blobs, SmallMlp, snapshot, TestRng } from './test-utils.js';

const child = fileURLToPath(new URL('./__fixtures__/kill-run.ts', import.meta.url));
const pkg = fileURLToPath(new URL('../..', import.meta.url));
const EPOCHS = process.env.NNKIT_CRASH_LONG === '1' ? 4 : 2;
const root = mkdtempSync(join(tmpdir(), 'nnkit-crash-'));

function run(killAt: number, dir: string, out: string, extra: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--conditions=@nnkit/source', '--import', 'tsx', child], {
      cwd: pkg,
      env: { ...process.env, KILL_AT: String(killAt), CKPT_DIR: dir, OUT: out, EPOCHS: String(EPOCHS), ...extra },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

function setup(_dir: string): Runner {
  manualSeed(5);
  const model = new SmallMlp();
  return new Runner({ model, optimizer: new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }), lossFn: new CrossEntropyLoss(), storage: nodeStorage(), log: null });
}
const loader = (): ArrayLoader => {
  const { x, y } = blobs(24);
  return new ArrayLoader(x, y, 4, 8, new TestRng(9));
};

describe('crash safety: SIGKILL at every storage write', () => {
  let total = 0;
  let want: Record<string, number[]> = {};
  beforeAll(async () => {
    await initBackend('cpu');
    const out = join(root, 'baseline.json');
    const r = await run(0, join(root, 'baseline'), out);
    expect(r.stderr).toBe('');
    ({ ops: total, weights: want } = JSON.parse(readFileSync(out, 'utf8')) as { ops: number; weights: Record<string, number[]> });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('leaves only whole checkpoints, and the newest resumes to the uninterrupted weights', async () => {
    expect(total).toBeGreaterThan(20);
    const results: { n: number; complete: number[]; resumed: boolean }[] = [];
    const kills = Array.from({ length: total }, (_, i) => i + 1);
    // two children at a time
    const runs = new Map<number, Promise<Awaited<ReturnType<typeof run>>>>();
    for (let i = 0; i < kills.length; i += 2) {
      for (const n of kills.slice(i, i + 2)) runs.set(n, run(n, join(root, `k${n}`), join(root, `k${n}.json`)));
      await Promise.all(kills.slice(i, i + 2).map((n) => runs.get(n)));
    }
    for (const n of kills) {
      const r = await runs.get(n)!;
      expect(r.signal, `kill point ${n}: ${r.stderr}`).toBe('SIGKILL');
      const dir = join(root, `k${n}`);
      const complete: number[] = [];
      const entries = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []; // killed before the first mkdir
      for (const e of entries.filter((d) => d.isDirectory())) {
        const path = join(dir, e.name);
        if (!readdirSync(path).includes('state.json')) continue;
        const state = JSON.parse(readFileSync(join(path, 'state.json'), 'utf8')) as { step: number; files: Record<string, { name: string }> };
        for (const f of Object.values(state.files)) expect(f.name.split('-')[1], `kill ${n}: ${e.name} mixes steps`).toBe(String(state.step));
        const probe = setup(dir);
        (probe as unknown as { loop: LoopState }).loop.rngs = [new TestRng(9)]; // the loader's generator, as fit registers it
        await probe.loadCheckpoint(path); // whole: sizes and digests match
        complete.push(Number(e.name.split('-')[1]));
      }
      let resumed = false;
      if (complete.length) {
        const newest = Math.max(...complete);
        const runner = setup(dir);
        await runner.fit(loader(), { epochs: EPOCHS, resumeFrom: join(dir, `epoch-${newest}`), callbacks: [new ModelCheckpoint({ dir, every: 1, keepLast: 2 })] });
        const got = snapshot(runner.model);
        for (const [k, v] of Object.entries(want)) expect(Array.from(got[k]!), `kill ${n}, ${k}`).toEqual(v);
        const litter = readdirSync(dir, { recursive: true }).map(String).filter((f) => /\.tmp-\d+$/.test(f));
        expect(litter, `kill ${n}`).toEqual([]);
        resumed = true;
      }
      results.push({ n, complete, resumed });
    }
    console.log(`crash safety: ${total} kill points, ${results.filter((r) => r.resumed).length} resumed from the newest complete checkpoint`);
  }, 1_800_000);
});

describe('crash safety: SIGKILL at every storage write of a best-only model checkpoint (full: false)', () => {
  // its own folder: the op numbers must not depend on whether a shared parent still exists
  const root = mkdtempSync(join(tmpdir(), 'nnkit-crash-best-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  type Commit = { op: number; weights: Record<string, number[]> };
  const readCommits = (file: string): Commit[] =>
    existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Commit) : [];
  const best = (n: number): Record<string, string> => ({ MODE: 'best-model', COMMITS: join(root, `b${n}.commits`) });
  let total = 0;
  let commits: Commit[] = [];
  beforeAll(async () => {
    await initBackend('cpu');
    const r = await run(0, join(root, 'best-baseline'), join(root, 'best-baseline.json'), best(0));
    expect(r.stderr).toBe('');
    total = (JSON.parse(readFileSync(join(root, 'best-baseline.json'), 'utf8')) as { ops: number }).ops;
    commits = readCommits(join(root, 'b0.commits'));
  });

  it('always leaves the last committed best model, whole, and the next save clears the litter', async () => {
    expect(commits.length, 'best is rewritten more than once').toBeGreaterThan(1);
    const kills = Array.from({ length: total }, (_, i) => i + 1);
    const results = new Map<number, Awaited<ReturnType<typeof run>>>();
    for (let i = 0; i < kills.length; i += 2) {
      const batch = kills.slice(i, i + 2);
      const done = await Promise.all(batch.map((n) => run(n, join(root, `b${n}`), join(root, `b${n}.json`), best(n))));
      batch.forEach((n, j) => results.set(n, done[j]!));
    }
    let checked = 0;
    for (const n of kills) {
      const r = results.get(n)!;
      expect(r.signal, `kill point ${n}: ${r.stderr}`).toBe('SIGKILL');
      const dir = join(root, `b${n}`);
      // the commits made before the kill (the child records a commit right before its rename op)
      const before = commits.filter((c) => c.op < n);
      const want = before.at(-1);
      const has = existsSync(join(dir, 'best.json'));
      expect(has, `kill ${n}: best.json exists iff a save committed`).toBe(want !== undefined);
      if (!want) continue;
      const probe = setup(dir);
      await probe.loadModel(join(dir, 'best')); // whole: size and SHA-256 match best.json
      const got = snapshot(probe.model);
      for (const [k, v] of Object.entries(want.weights)) expect(Array.from(got[k]!), `kill ${n}, ${k}: not the last committed best`).toEqual(v);
      probe.model.dispose();
      checked++;
    }
    // an uninterrupted run into a folder left by a kill: one weights file, no temporary litter
    const n = commits[1]!.op - 1; // killed inside the second save, after its weights were written
    const dir = join(root, `b${n}`);
    const again = await run(0, dir, join(root, 'b-again.json'), best(-1));
    expect(again.stderr).toBe('');
    const names = readdirSync(dir);
    expect(names.filter((f) => f.endsWith('.safetensors')), names.join(', ')).toHaveLength(1);
    expect(names.filter((f) => /\.tmp-\d+$/.test(f))).toEqual([]);
    console.log(`crash safety (best-only model): ${total} kill points, ${checked} left a committed best model that loaded as the last commit`);
  }, 1_800_000);
});
