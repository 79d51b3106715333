// Speed of the queue executor: a 6-trial search (2 configurations × 3 folds of a CPU-bound trial)
// with 1 and with 2 worker processes on this machine, each repeated; medians and the ratio.
// Run: pnpm --filter @nnkit/queue bench  [REPEATS]   (needs Debian's redis-server)
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gridSearch } from '@nnkit/train/node';
import { blobs } from '../src/node/__fixtures__/blobs.js';
import { queueExecutor } from '../src/node/executor.js';
import { startRedisServer } from '../src/node/redis-server.js';

const repeats = Number(process.argv[2] ?? 3);
const cli = fileURLToPath(new URL('../src/node/cli.ts', import.meta.url));
const module = fileURLToPath(new URL('../src/node/__fixtures__/mlp-trial.ts', import.meta.url));
const trial = { module, export: 'trial', setup: 'setup' };
const data = blobs(400, 16, 1);
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

async function startWorker(url: string, queue: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--conditions=@nnkit/source', '--import', 'tsx', cli, '--queue', url, '--name', queue, '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => setTimeout(resolve, 200));
  return proc;
}

const redis = await startRedisServer();
const times: Record<number, number[]> = { 1: [], 2: [] };
try {
  for (const workers of [1, 2] as const) {
    const queue = `bench-${workers}`;
    const procs = await Promise.all(Array.from({ length: workers }, () => startWorker(redis.url, queue)));
    const run = (search: string, epochs: number, sleepMs = 0) =>
      gridSearch({ space: { lr: [0.05, 0.2], epochs: [epochs], sleepMs: [sleepMs] }, cv: 3, trial, data, executor: queueExecutor({ connection: redis.url, queue, search, pollMs: 100 }) });
    await run('warm-up', 1, 1000); // slow jobs, so every worker takes some: each forks its trial process and loads the module
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      await run(`timed-${r}`, 4000);
      times[workers]!.push(performance.now() - t0);
      process.stderr.write(`${workers} worker(s), run ${r + 1}: ${(times[workers]!.at(-1)! / 1000).toFixed(2)} s\n`);
    }
    for (const p of procs) p.kill('SIGKILL');
  }
} finally {
  await redis.stop();
}
const m1 = median(times[1]!);
const m2 = median(times[2]!);
console.log('| workers | 6-trial search (median of %d) |\n| --- | --- |\n| 1 | %s s |\n| 2 | %s s |', repeats, (m1 / 1000).toFixed(2), (m2 / 1000).toFixed(2));
console.log(`2 workers / 1 worker: ${(m2 / m1).toFixed(2)}× the time (pairs: ${times[2]!.map((t, i) => (t / times[1]![i]!).toFixed(2)).join(', ')})`);
process.exit(0);
