import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@nnkit/tensor';
import type { SearchResult } from '@nnkit/train';
import { gridSearch } from '@nnkit/train/node';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueError } from '../errors.js';
import { blobs } from './__fixtures__/blobs.js';
import { queueExecutor } from './executor.js';
import { type RedisServerHandle, startRedisServer } from './redis-server.js';

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const module = fileURLToPath(new URL('./__fixtures__/mlp-trial.ts', import.meta.url));
const coordinator = fileURLToPath(new URL('./__fixtures__/coordinator.ts', import.meta.url));
const sleepModule = fileURLToPath(new URL('./__fixtures__/sleep-trial.ts', import.meta.url));
const nodeArgs = ['--conditions=@nnkit/source', '--import', 'tsx'];
const trial = { module, export: 'trial', setup: 'setup' };
const data = blobs(60, 4, 7);
const tmp = mkdtempSync(join(tmpdir(), 'nnkit-queue-'));

interface WorkerProc {
  proc: ChildProcess;
  out: string[];
}

function startWorker(url: string, queue: string, extra: string[] = []): Promise<WorkerProc> {
  const proc = spawn(process.execPath, [...nodeArgs, cli, '--queue', url, '--name', queue, '--lock-ms', '1500', '--stalled-ms', '500', '--progress-ms', '50', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  return new Promise((resolve, reject) => {
    const onLine = (b: Buffer): void => {
      for (const line of b.toString().split('\n').filter(Boolean)) {
        out.push(line);
        if (line.includes(' ready on ')) resolve({ proc, out });
      }
    };
    proc.stdout!.on('data', onLine);
    proc.stderr!.on('data', onLine);
    proc.once('exit', (code) => reject(new Error(`worker exited (${code}): ${out.join('\n')}`)));
  });
}

async function stopWorkers(ws: WorkerProc[]): Promise<void> {
  await Promise.all(
    ws.map(
      (w) =>
        new Promise<void>((res) => {
          if (w.proc.exitCode !== null || w.proc.signalCode !== null) return res();
          w.proc.once('exit', () => res());
          w.proc.kill('SIGKILL');
        }),
    ),
  );
}

const scoresByTrial = (r: SearchResult): Map<string, Record<string, number>> => new Map(r.trials.map((t) => [`${t.key}#${t.fold}`, t.scores]));

describe.skipIf(!hasRedis)('queueExecutor on a real redis-server (skipped: Debian redis-server is not installed)', () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    await initBackend('wasm');
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('2 worker processes, one SIGKILLed mid-trial: every trial once, scores equal to the local executor, the retried trial resumed from its checkpoint', async () => {
    const space = { lr: [0.05, 0.5], epochs: [10], sleepMs: [120] };
    const local = await gridSearch({ space, trial, data, cv: 3, workers: 0 });
    const w1 = await startWorker(redis.url, 'kill');
    const w2 = await startWorker(redis.url, 'kill');
    let killed: string | undefined;
    const checkpointRoot = join(tmp, 'ckpt');
    try {
      const queued = await gridSearch({
        space,
        trial,
        data,
        cv: 3,
        resultsFile: join(tmp, 'kill.jsonl'),
        executor: queueExecutor({
          connection: redis.url,
          queue: 'kill',
          checkpointRoot,
          pollMs: 300,
          onProgress: (p) => {
            if (killed === undefined && Number(p.info['epoch']) >= 3 && p.worker.endsWith(`:${w1.proc.pid}`)) {
              killed = `${p.key}#${p.fold}`;
              w1.proc.kill('SIGKILL');
            }
          },
        }),
      });
      expect(killed).toBeDefined();
      expect(queued.failed).toEqual([]);
      expect(queued.trials.length).toBe(6);
      expect(new Set(queued.trials.map((t) => `${t.key}#${t.fold}`)).size).toBe(6);
      expect(readFileSync(join(tmp, 'kill.jsonl'), 'utf8').trim().split('\n').length).toBe(6);
      expect(scoresByTrial(queued)).toEqual(scoresByTrial(local));
      expect(queued.rows.map((r) => r.params)).toEqual(local.rows.map((r) => r.params));
      const killedRecord = queued.trials.find((t) => `${t.key}#${t.fold}` === killed)!;
      expect(killedRecord.attempts).toBeGreaterThanOrEqual(2);
      const resumed = readFileSync(join(checkpointRoot, ...(await import('node:fs')).readdirSync(checkpointRoot).filter((d) => existsSync(join(checkpointRoot, d, 'resumed'))), 'resumed'), 'utf8');
      expect(Number(resumed)).toBeGreaterThanOrEqual(3);
      const q = new Queue('kill', { connection: { host: '127.0.0.1', port: redis.port } });
      expect(await q.getJobCounts('completed', 'failed', 'active', 'waiting')).toMatchObject({ completed: 6, failed: 0, active: 0, waiting: 0 });
      await q.close();
    } finally {
      await stopWorkers([w1, w2]);
    }
  }, 300_000); // a hang guard: on a loaded 2-core machine one worker start-up alone can take 20 s

  it('2 worker processes run trials at the same time: trials of different workers overlap (a rendezvous that serialized trials never meet)', async () => {
    const w1 = await startWorker(redis.url, 'overlap');
    const w2 = await startWorker(redis.url, 'overlap');
    try {
      const res = await gridSearch({
        space: { sleepMs: [200], meetDir: [join(tmp, 'meet')], meet: [2], id: [1, 2] },
        cv: 3,
        trial: { module: sleepModule, export: 'trial' },
        data,
        executor: queueExecutor({ connection: redis.url, queue: 'overlap', pollMs: 200 }),
      });
      expect(res.failed).toEqual([]);
      expect(res.trials.length).toBe(6);
      // each trial waited until trials in 2 different processes had started: none gave up
      expect(res.trials.map((t) => t.scores['met'])).toEqual([1, 1, 1, 1, 1, 1]);
      const runs = res.trials.map((t) => ({ pid: t.scores['pid']!, start: t.scores['start']!, end: t.scores['end']! }));
      expect(new Set(runs.map((r) => r.pid)).size).toBe(2);
      const overlapping = runs.flatMap((a, i) => runs.slice(i + 1).filter((b) => b.pid !== a.pid && a.start < b.end && b.start < a.end));
      expect(overlapping.length).toBeGreaterThan(0);
    } finally {
      await stopWorkers([w1, w2]);
    }
  }, 300_000); // a hang guard: on a loaded 2-core machine one worker start-up alone can take 20 s

  it('a trial that throws on every attempt is recorded as failed with its error; the search completes', async () => {
    const w = await startWorker(redis.url, 'fail');
    try {
      const res = await gridSearch({
        space: { lr: [0.1], epochs: [2], fail: [false, true] },
        trial,
        data,
        cv: 2,
        executor: queueExecutor({ connection: redis.url, queue: 'fail', attempts: 2, backoffMs: 50, pollMs: 200 }),
      });
      expect(res.trials.length).toBe(2);
      expect(res.failed.length).toBe(2);
      expect(res.failed[0]!.error).toMatch(/ArgumentError: mlp-trial: boom/);
      expect(res.failed.every((f) => f.attempts === 2)).toBe(true);
      expect(res.rows.map((r) => r.params['fail'])).toEqual([false]);
    } finally {
      await stopWorkers([w]);
    }
  }, 300_000); // a hang guard: on a loaded 2-core machine one worker start-up alone can take 20 s

  it('a coordinator killed mid-search and started again picks up where it was: no trial runs twice', async () => {
    const space = { lr: [0.05, 0.2, 0.5], epochs: [4], sleepMs: [150] };
    const w = await startWorker(redis.url, 'restart');
    try {
      const spec = { redis: redis.url, queue: 'restart', space, cv: 2, module, n: 60, dim: 4, seed: 7 };
      const first = spawn(process.execPath, [...nodeArgs, coordinator, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((res) => {
        let n = 0;
        first.stdout!.on('data', (b: Buffer) => {
          n += b.toString().split('\n').filter((l) => l.startsWith('trial ')).length;
          if (n >= 2) {
            first.kill('SIGKILL');
            res();
          }
        });
      });
      const again = await gridSearch({ space, cv: 2, trial, data, executor: queueExecutor({ connection: redis.url, queue: 'restart', pollMs: 200 }) });
      expect(again.trials.length).toBe(6);
      expect(again.trials.every((t) => t.attempts === 1)).toBe(true);
      expect(w.out.filter((l) => l.includes(' started ')).length).toBe(6);
      // and a third run finds every trial finished: nothing is queued again
      const third = await gridSearch({ space, cv: 2, trial, data, executor: queueExecutor({ connection: redis.url, queue: 'restart', pollMs: 200 }) });
      expect(scoresByTrial(third)).toEqual(scoresByTrial(again));
      expect(w.out.filter((l) => l.includes(' started ')).length).toBe(6);
    } finally {
      await stopWorkers([w]);
    }
  }, 300_000); // a hang guard: on a loaded 2-core machine one worker start-up alone can take 20 s
});

describe('queue errors', () => {
  it('Redis unreachable: a QueueError naming the address, quickly', async () => {
    const t0 = Date.now();
    const p = gridSearch({ space: { lr: [0.1] }, trial, data, executor: queueExecutor({ connection: 'redis://127.0.0.1:1', connectTimeoutMs: 2000 }) });
    await expect(p).rejects.toBeInstanceOf(QueueError);
    await expect(p).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    expect(Date.now() - t0).toBeLessThan(30_000); // fails fast instead of retrying forever
  });

  it('a trial given as a function is refused: it cannot travel to another process', async () => {
    await expect(gridSearch({ space: { lr: [0.1] }, trial: () => 1, executor: queueExecutor({ connection: 'redis://127.0.0.1:1' }) })).rejects.toThrow(/pass the trial as a module/);
  });

  it('a connection that is not a redis:// URL is refused at construction', () => {
    expect(() => queueExecutor({ connection: 'http://x' })).toThrow(/redis:\/\/ or rediss:\/\//);
  });

  const run = (args: string[]) => spawnSync(process.execPath, [...nodeArgs, cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  it('nnkit-worker --help prints the usage and exits 0', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: nnkit-worker --queue/);
  }, 60_000);

  it('nnkit-worker with an unknown flag prints one usage line and exits 2, no stack trace', () => {
    const r = run(['--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^nnkit-worker: Unknown option '--bogus'/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('nnkit-worker --trial-node-flags with something that is not a flag: one usage line, exit 2', () => {
    const r = run(['--queue', 'redis://127.0.0.1:1', '--trial-node-flags=single-threaded']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^nnkit-worker: --trial-node-flags takes Node\/V8 flags .* got 'single-threaded'/);
  }, 60_000);

  it('nnkit-worker with Redis unreachable prints one line naming the address and exits 1', () => {
    const r = run(['--queue', 'redis://127.0.0.1:1']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^nnkit-worker: queue: cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    expect(r.stderr.trim().split('\n').length).toBe(1);
  }, 60_000);
});
