/**
 * Data-parallel speed: the EEG-TCNet training step (3 channels × 1000, 2 classes, batch 64,
 * Adam, cross-entropy — the 2b recipe) in this thread, and with 1 and with N worker threads
 * (`startDataParallel`), interleaved round by round so all see the same load. Prints, per
 * configuration, the median wall time of a step and the median CPU time of a step (the whole
 * process, workers included), and the speed-up of N workers over 1 worker.
 *   pnpm --filter @nnkit/app-bci bench:dp [--workers 2] [--rounds 7] [--steps 5] [--json]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EEGTCNet } from '@nnkit/eeg';
import { backward, crossEntropy } from '@nnkit/nn';
import { initBackend, manualSeed } from '@nnkit/tensor';
import { Adam, type DataParallelLike } from '@nnkit/train';
import { startDataParallel } from '@nnkit/train/node';
import { tensor1d, tensor3d } from '@tensorflow/tfjs-core';

const { values } = parseArgs({
  options: { workers: { type: 'string', default: '2' }, rounds: { type: 'string', default: '7' }, steps: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } },
});
const workers = Number(values.workers);
const rounds = Number(values.rounds);
const steps = Number(values.steps);
const backend = await initBackend();
const MODELS = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './models.ts' : './models.js', import.meta.url));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

manualSeed(0);
const B = 64;
const x = tensor3d(Float32Array.from({ length: B * 3 * 1000 }, (_, i) => Math.sin(i / 13) + Math.cos(i / 7.3) * ((i * 7919) % 13) * 0.1), [B, 3, 1000]);
const y = tensor1d(Int32Array.from({ length: B }, (_, i) => i % 2), 'int32');
const model = new EEGTCNet({ nChans: 3, nClasses: 2 });
const opt = new Adam(model.parameters(), { lr: 1e-3 });
const spec = { module: MODELS, export: 'replicaModel', options: { name: 'eegtcnet', nChans: 3, nClasses: 2, nTimes: 1000 } };
const dp1 = await startDataParallel({ workers: 1, model: spec });
const dpN = await startDataParallel({ workers, model: spec });

async function step(dp: DataParallelLike | undefined): Promise<void> {
  opt.zeroGrad();
  if (dp) await dp.backward(model, x, y);
  else backward(() => crossEntropy(model.call(x), y), model).dispose();
  opt.step();
}

const configs: Array<[string, DataParallelLike | undefined]> = [
  ['this thread', undefined],
  ['1 worker', dp1],
  [`${workers} workers`, dpN],
];
const wall = new Map<string, number[]>(configs.map(([n]) => [n, []]));
const cpu = new Map<string, number[]>(configs.map(([n]) => [n, []]));
// Warm-up: V8 optimises the kernel dispatch over the first ~20 steps (tooling/bench TRAIN_WARMUP),
// in this thread and in every worker alike.
for (const [, dp] of configs) for (let i = 0; i < 20; i++) await step(dp);
for (let r = 0; r < rounds; r++) {
  for (const [name, dp] of configs) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await step(dp);
    const t = (performance.now() - t0) / steps;
    const c = process.cpuUsage(c0);
    wall.get(name)!.push(t);
    cpu.get(name)!.push((c.user + c.system) / 1000 / steps);
  }
}
await Promise.all([dp1.close(), dpN.close()]);
opt.zeroGrad();
const rows = configs.map(([name]) => ({ name, wallMs: median(wall.get(name)!), cpuMs: median(cpu.get(name)!) }));
const speedup = rows[1]!.wallMs / rows[2]!.wallMs;
if (values.json) process.stdout.write(`${JSON.stringify({ backend, workers, rounds, steps, rows, speedupOver1Worker: speedup })}\n`);
else {
  console.log(`EEG-TCNet train step, 3 × 1000, batch 64, Adam (${backend}); medians of ${rounds} rounds × ${steps} steps, interleaved`);
  console.log('| configuration | wall ms/step | CPU ms/step (process) |');
  console.log('| --- | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.name} | ${r.wallMs.toFixed(1)} | ${r.cpuMs.toFixed(1)} |`);
  console.log(`${workers} workers vs 1 worker: ${speedup.toFixed(2)}× faster (target ≥ 1.7× on 2 idle cores); vs this thread: ${(rows[0]!.wallMs / rows[2]!.wallMs).toFixed(2)}×`);
}
model.dispose();
x.dispose();
y.dispose();
