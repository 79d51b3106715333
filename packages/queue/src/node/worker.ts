import { hostname } from 'node:os';
import { join } from 'node:path';
import { ArgumentError } from '@nnkit/tensor';
import type { TrialModule } from '@nnkit/train';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { decodeData } from '../data-codec.js';
import { QueueError } from '../errors.js';
import type { TrialJobPayload, TrialJobResult } from '../types.js';
import { bullConnection, checkRedis, type RedisConnection, resolveConnection } from './connection.js';
import { TrialProcesses } from './trial-processes.js';

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  /** Redis: `'redis://host:6379'` (or `{ host, port }`). */
  connection: RedisConnection;
  /** Queue name, as the coordinator's. Default `'nnkit-search'`. */
  queue?: string;
  /** The trial module on this machine (default: the path the coordinator gave); `export`/`setup` override the job's too. */
  trial?: Partial<TrialModule>;
  /** Trials run at once, each in its own process. Default 1. */
  concurrency?: number;
  /** Folder for the trials' checkpoints on this machine (overrides the coordinator's `checkpointRoot`): `<storage>/<job id>`. */
  storage?: string;
  /** How long a job's lock lasts without renewal, ms: a killed worker's trial is retried after about this long. Default 30000. */
  lockMs?: number;
  /** How often stalled jobs (lock expired) are looked for, ms. Default 30000. */
  stalledIntervalMs?: number;
  /** Times a job may stall (its worker died) before it counts as failed. Default 3. */
  maxStalledCount?: number;
  /**
   * A trial's progress reports (`ctx.progress`) are forwarded at most once per this many ms — the
   * first at once, the latest of the others when the wait is over, the last one always — so a
   * trial of thousands of short epochs does not spend the machine's other cores on IPC, Redis
   * writes and queue events (which is what kept 2 workers from being faster than 1). 0: every
   * report. Default 1000.
   */
  progressMs?: number;
  /** Node flags of the trial processes (plus `TRIAL_NODE_DEFAULTS` unless they set those flags). Default: this process's. */
  execArgv?: readonly string[];
  /** One line per event (ready, started, progress, finished, failed). Default: none. */
  log?: (line: string) => void;
  /** Fail fast when Redis does not answer within this many ms. Default 5000. */
  connectTimeoutMs?: number;
}

/** A running queue worker. */
export interface QueueWorkerHandle {
  /** `host:pid` of this worker, as shown in progress reports. */
  readonly id: string;
  /** Stops taking jobs, waits for the running trials, ends the trial processes. */
  close(): Promise<void>;
}

/**
 * Starts a worker that takes trial jobs from the queue and runs each in a trial process of its
 * own (`concurrency` of them): imports the trial module (once per process), hands it the
 * search's shared data, the job's context, a checkpoint folder and a `progress` callback, and
 * stores the result. Locks are renewed while trials compute, so a job is retried elsewhere only
 * when its worker dies. The `nnkit-worker` command wraps this.
 *
 * @example
 * ```ts
 * const w = await startQueueWorker({ connection: 'redis://10.0.0.5:6379', trial: { module: './trial.js' }, concurrency: 2 });
 * process.on('SIGTERM', () => void w.close());
 * ```
 */
export async function startQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  const conn = resolveConnection(opts.connection);
  const concurrency = opts.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ArgumentError('nnkit-worker', `concurrency must be an integer >= 1, got ${concurrency}`);
  const progressMs = opts.progressMs ?? 1000;
  if (!(progressMs >= 0)) throw new ArgumentError('nnkit-worker', `progressMs must be >= 0, got ${progressMs}`);
  await checkRedis(conn, opts.connectTimeoutMs);
  const id = `${hostname()}:${process.pid}`;
  const log = opts.log ?? (() => {});
  const name = opts.queue ?? 'nnkit-search';
  const processes = new TrialProcesses(concurrency, opts.execArgv);
  const redis = new Redis(bullConnection(conn));
  const dataCache = new Map<string, Promise<unknown>>();
  const loadData = (key: string): Promise<unknown> => {
    let p = dataCache.get(key);
    if (!p) {
      p = redis.get(key).then((text) => {
        if (text === null) throw new QueueError(`the search data ${key} is not in Redis at ${conn.label} (expired or deleted): re-run the search`);
        return decodeData(text, key);
      });
      p.catch(() => dataCache.delete(key));
      dataCache.set(key, p);
      if (dataCache.size > 2) dataCache.delete(dataCache.keys().next().value!);
    }
    return p;
  };
  const processor = async (job: Job<TrialJobPayload, TrialJobResult>): Promise<TrialJobResult> => {
    const p = job.data;
    const trial: TrialModule = { module: opts.trial?.module ?? p.module, export: opts.trial?.export ?? p.export };
    const setup = opts.trial?.setup ?? p.setup;
    if (setup !== undefined) trial.setup = setup;
    const checkpointDir = opts.storage !== undefined ? join(opts.storage, job.id!) : p.checkpointDir;
    const label = `${p.key} fold ${p.ctx.fold + 1}/${p.ctx.folds}`;
    log(`started ${label} (job ${job.id}, attempt ${job.attemptsMade + 1})`);
    const t0 = performance.now();
    const data = await loadData(p.dataKey);
    const result = await processes.run({ trial, ctx: p.ctx, data, progressMs, ...(checkpointDir !== undefined ? { checkpointDir } : {}) }, (info) => {
      void job.updateProgress({ worker: id, info }).catch(() => {});
      if (opts.log) log(`progress ${label}: ${Object.entries(info).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    });
    const ms = Math.round(performance.now() - t0);
    log(`finished ${label} in ${(ms / 1000).toFixed(1)} s: ${JSON.stringify(result)}`);
    return { result, ms, worker: id };
  };
  const worker = new Worker<TrialJobPayload, TrialJobResult>(name, processor, {
    connection: bullConnection(conn),
    concurrency,
    lockDuration: opts.lockMs ?? 30000,
    stalledInterval: opts.stalledIntervalMs ?? 30000,
    maxStalledCount: opts.maxStalledCount ?? 3,
  });
  worker.on('failed', (job, err) => log(`failed ${job ? `${job.data.key} fold ${job.data.ctx.fold + 1}` : '?'}: ${err.message}`));
  worker.on('error', (err) => log(`queue error: ${err.message}`));
  await worker.waitUntilReady();
  log(`worker ${id} ready on ${conn.label}/${name} (concurrency ${concurrency})`);
  return {
    id,
    async close() {
      await worker.close();
      processes.close();
      redis.disconnect();
    },
  };
}
