// Speed of the queue executor: a 6-trial search (2 configurations × 3 folds) with 1 and with 2
// worker processes on this machine, interleaved A/B, each repeated; medians, the ratio, and the CPU
// time of every process involved (coordinator, Redis, workers, trial processes).
//   sleep: a trial that only waits (no CPU) — measures how trials are spread over the workers,
//          whatever the machine's load: 2 workers must take about half the time of 1.
//   cpu:   a real small-model training (softmax regression, 4000 full-batch SGD epochs on 267
//          rows, progress reported every epoch): thousands of tiny steps, so mostly JavaScript
//          dispatch and garbage collection — on an otherwise idle 2-core machine, 2 workers
//          must take ≤ 0.6× the time of 1.
//   conv:  a small conv net (the shape of an EEG model: temporal conv, BN, spatial conv, pooling,
//          linear) on synthetic 3 × 500 signals, 30 epochs of mini-batch Adam: its time goes
//          into wasm kernels, as a real EEG trial's does.
// Run: pnpm --filter @nnkit/queue bench [REPEATS] [--trial sleep|cpu|conv|cpu,conv|both|all] [--timeline] [--progress-ms MS]
//      [--trial-node-flags=--single-threaded ...]  (each: another set of Node/V8 flags for the trial
//      processes, nnkit-worker's --trial-node-flags, measured interleaved with Node's defaults)
//      (--progress-ms 0: the workers forward every progress report, as before the throttle)
//      (needs Debian's redis-server; Linux for the CPU columns)
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { TrialModule, TrialRecord } from '@nnkit/train';
import { gridSearch } from '@nnkit/train/node';
import { Queue } from 'bullmq';
import { blobs } from '../src/node/__fixtures__/blobs.js';
import { signals } from '../src/node/__fixtures__/conv-trial.js';
import { queueExecutor } from '../src/node/executor.js';
import { startRedisServer } from '../src/node/redis-server.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { trial: { type: 'string', default: 'both' }, 'trial-node-flags': { type: 'string', multiple: true, default: [] }, timeline: { type: 'boolean', default: false }, 'progress-ms': { type: 'string' } } });
const repeats = Number(positionals[0] ?? 3);
type Kind = 'sleep' | 'cpu' | 'conv';
const kinds = (values.trial === 'both' ? ['sleep', 'cpu'] : values.trial === 'all' ? ['sleep', 'cpu', 'conv'] : values.trial!.split(',')) as Kind[];
if (kinds.some((k) => !['sleep', 'cpu', 'conv'].includes(k))) throw new Error(`--trial: sleep, cpu, conv (comma-separated), both or all; got ${values.trial}`);
// Flag sets of the trial processes (nnkit-worker --trial-node-flags): Node's defaults, then each --trial-node-flags.
const flagSets: string[][] = [[], ...values['trial-node-flags']!.map((f) => f.split(' ').filter(Boolean))];
const setups = flagSets.flatMap((flags, fi) => [1, 2].map((n) => ({ n, flags, key: `${n}w${fi}` })));
const label = (fi: number): string => (flagSets[fi]!.length ? flagSets[fi]!.join(' ') : 'default');
const fixture = (f: string): string => fileURLToPath(new URL(`../src/node/__fixtures__/${f}`, import.meta.url));
const cli = fileURLToPath(new URL('../src/node/cli.ts', import.meta.url));
const trials: Record<Kind, { trial: TrialModule; space: Record<string, unknown[]>; data: unknown }> = {
  sleep: { trial: { module: fixture('sleep-trial.ts'), export: 'trial' }, space: { sleepMs: [2000], id: [1, 2] }, data: blobs(400, 16, 1) },
  cpu: { trial: { module: fixture('mlp-trial.ts'), export: 'trial', setup: 'setup' }, space: { lr: [0.05, 0.2], epochs: [4000] }, data: blobs(400, 16, 1) },
  conv: { trial: { module: fixture('conv-trial.ts'), export: 'trial', setup: 'setup' }, space: { lr: [0.01, 0.003], epochs: [30] }, data: signals(150, 3, 500, 1) },
};
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const s = (ms: number): string => (ms / 1000).toFixed(2);

/** CPU ms (user + system) a process has used so far; 0 off Linux. */
function cpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // USER_HZ is 100 on Linux
  } catch {
    return 0;
  }
}
/** CPU ms of a process's children so far (a worker's trial processes and their esbuild helpers). */
function childrenCpuMs(pid: number): number {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    return kids.reduce((a, k) => a + cpuMs(k) + childrenCpuMs(k), 0);
  } catch {
    return 0;
  }
}

async function startWorkers(url: string, port: number, queue: string, n: number, nodeFlags: string[]): Promise<ChildProcess[]> {
  const flags = values['progress-ms'] !== undefined ? ['--progress-ms', values['progress-ms']] : [];
  const procs = Array.from({ length: n }, () => spawn(process.execPath, ['--conditions=@nnkit/source', '--import', 'tsx', cli, '--queue', url, '--name', queue, '--quiet', ...flags, ...(nodeFlags.length ? [`--trial-node-flags=${nodeFlags.join(' ')}`] : [])], { stdio: ['ignore', 'ignore', 'inherit'] }));
  const q = new Queue(queue, { connection: { host: '127.0.0.1', port } });
  while ((await q.getWorkers()).length < n) {
    if (procs.some((p) => p.exitCode !== null)) throw new Error('a worker exited at start-up');
    await new Promise((r) => setTimeout(r, 100));
  }
  await q.close();
  return procs;
}

interface Run {
  wall: number;
  cpu: { coordinator: number; redis: number; workers: number; trials: number };
  timeline: string[];
}

const meetRoot = mkdtempSync(join(tmpdir(), 'nnkit-queue-bench-'));
const redis = await startRedisServer();
const procs: Record<string, ChildProcess[]> = {};
const runs: Record<string, Run[]> = {};
try {
  for (const u of setups) procs[u.key] = await startWorkers(redis.url, redis.port, `bench-${u.key}`, u.n, u.flags);
  const search = async (kind: Kind, key: string, name: string, space = trials[kind].space): Promise<Run> => {
    const queue = `bench-${key}`;
    const received = new Map<string, number>();
    const ws = procs[key]!.map((p) => p.pid!);
    const sum = (f: (pid: number) => number): number => ws.reduce((a, p) => a + f(p), 0);
    const cpu0 = { coordinator: process.cpuUsage(), redis: cpuMs(redis.pid), workers: sum(cpuMs), trials: sum(childrenCpuMs) };
    const t0 = Date.now();
    const res = await gridSearch({
      space,
      cv: 3,
      trial: trials[kind].trial,
      data: trials[kind].data,
      executor: queueExecutor({ connection: redis.url, queue, search: name, pollMs: 100 }),
      onTrial: (r: TrialRecord) => void received.set(`${r.key}#${r.fold}`, Date.now() - t0),
    });
    const wall = Date.now() - t0;
    const c = process.cpuUsage(cpu0.coordinator);
    const cpu = { coordinator: (c.user + c.system) / 1000, redis: cpuMs(redis.pid) - cpu0.redis, workers: sum(cpuMs) - cpu0.workers, trials: sum(childrenCpuMs) - cpu0.trials };
    // per job: enqueued, picked (by which worker), [trial process start, trial start, trial end: sleep trial], finished, received by the coordinator
    const q = new Queue(queue, { connection: { host: '127.0.0.1', port: redis.port } });
    const timeline: string[] = [];
    const jobs = await q.getJobs(['completed']);
    for (const t of res.trials) {
      const job = jobs.find((j) => j.data.key === t.key && j.data.ctx.fold === t.fold);
      if (!job) continue;
      const rel = (ms: number | undefined): string => (ms === undefined ? '—' : s(ms - t0).padStart(6));
      const sc = t.scores;
      timeline.push(
        `${t.key} fold ${t.fold + 1}: enqueued ${rel(job.timestamp)}  picked ${rel(job.processedOn)} by ${job.returnvalue.worker.split(':')[1]}` +
          (kind === 'sleep' ? `  trial process started ${sc['processStart']! < t0 ? ' before' : rel(sc['processStart'])}  trial ${rel(sc['start'])} → ${rel(sc['end'])}` : '') +
          `  finished ${rel(job.finishedOn)}  received ${s(received.get(`${t.key}#${t.fold}`) ?? Number.NaN).padStart(6)}`,
      );
    }
    await q.close();
    return { wall, cpu, timeline };
  };
  // warm-up: every worker's trial processes start and import both trial modules (a rendezvous makes each worker take one)
  for (const { n, key } of setups) {
    await search('sleep', key, `warm-${Date.now()}`, { sleepMs: [0], meetDir: [join(meetRoot, key)], meet: [n], meetTimeoutMs: [30_000], id: [1, 2] });
    await search('cpu', key, `warm-cpu-${Date.now()}`, { lr: [0.1], epochs: [1], sleepMs: [1500] });
    if (kinds.includes('conv')) await search('conv', key, `warm-conv-${Date.now()}`, { lr: [0.1], epochs: [2] });
  }
  for (let r = 0; r < repeats; r++) {
    for (const kind of kinds) {
      for (const { n, key } of setups) {
        const run = await search(kind, key, `timed-${kind}-${Date.now()}-${r}`);
        (runs[`${kind}-${key}`] ??= []).push(run);
        process.stderr.write(`${kind} trial, ${n} worker(s), ${label(Number(key.split('w')[1]))}, run ${r + 1}: ${s(run.wall)} s (CPU s: coordinator ${s(run.cpu.coordinator)}, redis ${s(run.cpu.redis)}, workers ${s(run.cpu.workers)}, trial processes ${s(run.cpu.trials)})\n`);
        if (values.timeline && r === repeats - 1) process.stderr.write(`${run.timeline.map((l) => `  ${l}`).join('\n')}\n`);
      }
    }
  }
} finally {
  for (const p of Object.values(procs).flat()) p.kill('SIGKILL');
  await redis.stop();
  rmSync(meetRoot, { recursive: true, force: true });
}
console.log(`| trial | worker flags | 1 worker (median of ${repeats}) | 2 workers | 2 / 1 | pairs | 2 workers / 1 worker with default flags | CPU s per search, 1 → 2 workers (coordinator + redis + workers + trial processes) |`);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const kind of kinds) {
  const base = median(runs[`${kind}-1w0`]!.map((x) => x.wall));
  flagSets.forEach((_, fi) => {
    const [a, b] = [runs[`${kind}-1w${fi}`]!, runs[`${kind}-2w${fi}`]!];
    const [m1, m2] = [median(a.map((x) => x.wall)), median(b.map((x) => x.wall))];
    const cpu = (v: Run[]): string => { const m = (k: keyof Run['cpu']): number => median(v.map((x) => x.cpu[k])); return `${s(m('coordinator'))} + ${s(m('redis'))} + ${s(m('workers'))} + ${s(m('trials'))}`; };
    console.log(`| ${kind} | ${label(fi)} | ${s(m1)} s | ${s(m2)} s | ${(m2 / m1).toFixed(2)}× | ${b.map((x, i) => (x.wall / a[i]!.wall).toFixed(2)).join(', ')} | ${(m2 / base).toFixed(2)}× | ${cpu(a)} → ${cpu(b)} |`);
  });
}
process.exit(0);
