/**
 * A/B of the EEG-TCNet 3-channel training step (batch 64, 2 classes, Adam) between checkouts of
 * this repository: one child process per measurement, checkouts interleaved (A, B, A, B, ...),
 * each child builds the step from ITS checkout's sources and reports kernels per step (exact),
 * the median wall time and the median CPU time (`process.cpuUsage`) of `STEP_RUNS` timed steps
 * after `TRAIN_WARMUP` (20) warm-up steps, as the bench's training-step rows.
 *
 * `node --conditions=@nnkit/source --import tsx src/step-ab.ts <checkout> [<checkout> ...]`
 * (default: this checkout only; `STEP_ROUNDS` rounds, default 5; `STEP_RUNS` steps, default 10).
 * A checkout is any clone with `pnpm install` done, e.g. one at the base commit beside this one.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TRAIN_WARMUP } from './warmup.js';

interface Result {
  kernels: number;
  byName: Record<string, number>;
  msByName: Record<string, number>;
  wallMs: number;
  cpuMs: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const here = fileURLToPath(import.meta.url);
const thisCheckout = path.resolve(path.dirname(here), '../../..');

async function child(root: string): Promise<Result> {
  // Resolve everything from the checkout's bench package, so the child runs that checkout's code
  // and its own tfjs-core instance.
  const req = createRequire(path.join(root, 'tooling/bench/package.json'));
  const load = async <T>(id: string): Promise<T> => (await import(pathToFileURL(req.resolve(id)).href)) as T;
  const tf = await load<typeof import('@tensorflow/tfjs-core')>('@tensorflow/tfjs-core');
  const { initBackend } = await load<typeof import('@nnkit/tensor')>('@nnkit/tensor');
  const { EEGTCNet } = await load<typeof import('@nnkit/eeg')>('@nnkit/eeg');
  const { backward, CrossEntropyLoss } = await load<typeof import('@nnkit/nn')>('@nnkit/nn');
  const { Adam } = await load<typeof import('@nnkit/train')>('@nnkit/train');
  await initBackend();
  const model = new EEGTCNet({ nChans: 3, nClasses: 2 });
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new CrossEntropyLoss();
  const x = tf.randomNormal([64, 3, 1000]);
  const y = tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 2), 'int32');
  const step = (): void => {
    opt.zeroGrad();
    const loss = backward(() => lossFn.call(model.call(x), y), model);
    opt.step();
    loss.dataSync();
    loss.dispose();
  };
  for (let i = 0; i < TRAIN_WARMUP; i++) step();
  const p = await tf.profile(step);
  const byName: Record<string, number> = {};
  const msByName: Record<string, number> = {};
  for (const k of p.kernels) {
    byName[k.name] = (byName[k.name] ?? 0) + 1;
    msByName[k.name] = (msByName[k.name] ?? 0) + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0);
  }
  const walls: number[] = [];
  const cpus: number[] = [];
  const runs = Number(process.env['STEP_RUNS'] ?? 10);
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    step();
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  return { kernels: p.kernels.length, byName, msByName, wallMs: median(walls), cpuMs: median(cpus) };
}

if (process.env['STEP_AB_CHILD']) {
  const r = await child(process.env['STEP_AB_CHILD']);
  console.log(`STEP_AB ${JSON.stringify(r)}`);
} else {
  const roots = (process.argv.length > 2 ? process.argv.slice(2) : [thisCheckout]).map((r) => path.resolve(r));
  const rounds = Number(process.env['STEP_ROUNDS'] ?? 5);
  const results = new Map<string, Result[]>(roots.map((r) => [r, []]));
  for (let round = 0; round < rounds; round++) {
    for (const root of roots) {
      const out = spawnSync(process.execPath, ['--conditions=@nnkit/source', '--import', 'tsx', here], {
        env: { ...process.env, STEP_AB_CHILD: root },
        encoding: 'utf8',
        cwd: path.join(root, 'tooling/bench'),
      });
      const line = out.stdout.split('\n').find((l) => l.startsWith('STEP_AB '));
      if (!line) throw new Error(`child for ${root} failed:\n${out.stderr}`);
      const r = JSON.parse(line.slice(8)) as Result;
      results.get(root)!.push(r);
      console.log(`round ${round + 1} ${root}: ${r.kernels} kernels, ${r.wallMs.toFixed(1)} ms wall, ${r.cpuMs.toFixed(1)} ms CPU`);
    }
  }
  console.log('\n| checkout | kernels/step | step wall ms (median of rounds) | step CPU ms (median of rounds) |\n| --- | --- | --- | --- |');
  for (const [root, rs] of results) {
    console.log(`| ${root} | ${rs[0]!.kernels} | ${median(rs.map((r) => r.wallMs)).toFixed(1)} | ${median(rs.map((r) => r.cpuMs)).toFixed(1)} |`);
  }
  const names = [...new Set([...results.values()].flatMap((rs) => Object.keys(rs[0]!.byName)))];
  const first = (root: string, n: string): number => results.get(root)![0]!.byName[n] ?? 0;
  names.sort((a, b) => first(roots[0]!, b) - first(roots[0]!, a));
  // Kernel time under tf.profile (median over rounds): indicative only, profiling slows kernels.
  const ms = (root: string, n: string): string => median(results.get(root)!.map((r) => r.msByName[n] ?? 0)).toFixed(1);
  console.log(`\n| kernel | ${roots.map((r) => `${path.basename(r)} count (profiled ms)`).join(' | ')} |\n| --- |${roots.map(() => ' --- |').join('')}`);
  for (const n of names) console.log(`| ${n} | ${roots.map((r) => `${first(r, n)} (${ms(r, n)})`).join(' | ')} |`);
}
