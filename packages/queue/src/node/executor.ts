import { join } from 'node:path';
import { ArgumentError } from '@nnkit/tensor';
import type { TrialExecutor, TrialOutcome, TrialTask } from '@nnkit/train';
import { Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { encodeData } from '../data-codec.js';
import { sha256Hex, trialJobId } from '../job-id.js';
import type { TrialJobPayload, TrialJobResult, TrialProgress } from '../types.js';
import { bullConnection, checkRedis, type RedisConnection, resolveConnection } from './connection.js';

/** Options of {@link queueExecutor}. */
export interface QueueExecutorOptions {
  /** Redis: `'redis://host:6379'` (or `{ host, port }`). */
  connection: RedisConnection;
  /** Queue name; workers must use the same. Default `'nnkit-search'`. */
  queue?: string;
  /** Name of the search, part of every job id: two searches with the same grid and data but different trial code need different names. Default `'search'`. */
  search?: string;
  /** Attempts per trial before it is recorded as failed (a worker killed mid-trial does not use one up). Default 3. */
  attempts?: number;
  /** Wait between attempts of a failed trial, ms. Default 1000. */
  backoffMs?: number;
  /** Shared folder (seen by every worker at the same path) for the trials' checkpoints: each trial gets `ctx.checkpointDir = <root>/<job id>`, so a retried trial resumes. A worker's `--storage` overrides it. */
  checkpointRoot?: string;
  /** How often pending jobs are checked besides the queue's events, ms. Default 2000. */
  pollMs?: number;
  /** Fail fast when Redis does not answer within this many ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Called with every progress report of a running trial (e.g. once per epoch). */
  onProgress?: (p: TrialProgress) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A {@link TrialExecutor} for `gridSearch` that puts every (parameters, fold) trial on a BullMQ
 * queue in Redis, as a job whose id is derived from its content, and gathers the results as
 * worker processes (`nnkit-worker`, on this machine or others) finish them. Re-running the same
 * search finds finished jobs instead of adding duplicates, so a restarted coordinator picks up
 * where it was; a worker killed mid-trial loses its lock and the job is retried by another
 * worker (stalled-job recovery); a trial that throws on every attempt is reported as failed.
 *
 * @example
 * ```ts
 * import { gridSearch } from '@nnkit/train/node';
 * import { queueExecutor } from '@nnkit/queue/node';
 * const res = await gridSearch({
 *   space: { lr: [1e-3, 1e-2], dropout: [0.25, 0.5] }, cv: 5,
 *   trial: { module: './trial.js', export: 'trial', setup: 'setup' }, data,
 *   executor: queueExecutor({ connection: 'redis://10.0.0.5:6379', search: 'subject-1' }),
 * });
 * ```
 */
export function queueExecutor(opts: QueueExecutorOptions): TrialExecutor {
  const conn = resolveConnection(opts.connection);
  const name = opts.queue ?? 'nnkit-search';
  const attempts = opts.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1) throw new ArgumentError('queueExecutor', `attempts must be an integer >= 1, got ${attempts}`);
  const pollMs = opts.pollMs ?? 2000;
  return {
    name: `queue ${conn.label}/${name}`,
    async run({ trial, data, tasks }, report) {
      await checkRedis(conn, opts.connectTimeoutMs);
      const connection = bullConnection(conn);
      const queue = new Queue<TrialJobPayload, TrialJobResult>(name, { connection });
      const events = new QueueEvents(name, { connection });
      try {
        const text = encodeData(data);
        const dataHash = (await sha256Hex(text)).slice(0, 40);
        const dataKey = `nnkit:data:${dataHash}`;
        const redis = new Redis(connection);
        try {
          await redis.set(dataKey, text, 'EX', 30 * 24 * 3600);
        } finally {
          redis.disconnect();
        }
        const pending = new Map<string, TrialTask>();
        for (const t of tasks) pending.set(await trialJobId(opts.search ?? 'search', dataHash, t), t);
        const wake = new Set<string>();
        let wakeUp: (() => void) | undefined;
        const nudge = (jobId: string): void => {
          if (!pending.has(jobId)) return;
          wake.add(jobId);
          wakeUp?.();
        };
        events.on('completed', ({ jobId }) => nudge(jobId));
        events.on('failed', ({ jobId }) => nudge(jobId));
        events.on('progress', ({ jobId, data: d }) => {
          const t = pending.get(jobId);
          const p = d as { worker?: string; info?: Record<string, number | string> };
          if (t && opts.onProgress && p?.info) opts.onProgress({ key: t.key, fold: t.ctx.fold, worker: p.worker ?? '?', info: p.info });
        });
        await events.waitUntilReady();
        const add = async (id: string, t: TrialTask): Promise<void> => {
          const payload: TrialJobPayload = {
            module: trial.module,
            export: trial.export ?? 'trial',
            ...(trial.setup !== undefined ? { setup: trial.setup } : {}),
            dataKey,
            key: t.key,
            ctx: t.ctx,
            ...(opts.checkpointRoot !== undefined ? { checkpointDir: join(opts.checkpointRoot, id) } : {}),
          };
          await queue.add('trial', payload, { jobId: id, attempts, backoff: { type: 'fixed', delay: opts.backoffMs ?? 1000 }, removeOnComplete: false, removeOnFail: false });
        };
        for (const [id, t] of pending) {
          const existing = await Job.fromId<TrialJobPayload, TrialJobResult>(queue, id);
          if (!existing) await add(id, t);
          else if ((await existing.getState()) === 'failed') await existing.retry('failed'); // a re-run tries failed trials again
        }
        // settle pending jobs as they finish (events wake the loop; a periodic full check covers missed events)
        const settle = async (id: string): Promise<void> => {
          const t = pending.get(id);
          if (!t) return;
          // the state first, then the job: a job read before it finishes has no return value yet
          const state = await queue.getJobState(id);
          if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return;
          const job = await Job.fromId<TrialJobPayload, TrialJobResult>(queue, id);
          if (!job) return add(id, t); // removed from outside: queue it again
          const started = (job as { attemptsStarted?: number }).attemptsStarted ?? job.attemptsMade + 1;
          if (state === 'completed') {
            pending.delete(id);
            const r = job.returnvalue;
            const outcome: TrialOutcome = { task: t, result: r.result, ms: r.ms, attempts: started };
            await report(outcome);
          } else if (state === 'failed') {
            pending.delete(id);
            const ms = job.finishedOn !== undefined && job.processedOn !== undefined ? job.finishedOn - job.processedOn : 0;
            await report({ task: t, error: job.failedReason || 'failed', ms, attempts: started });
          }
        };
        let lastFull = 0;
        while (pending.size) {
          const ids = Date.now() - lastFull >= pollMs ? [...pending.keys()] : [...wake];
          if (ids.length === pending.size) lastFull = Date.now();
          wake.clear();
          for (const id of ids) await settle(id);
          if (!pending.size) break;
          if (!wake.size) await Promise.race([sleep(Math.min(pollMs, 500)), new Promise<void>((r) => (wakeUp = r))]);
          wakeUp = undefined;
        }
      } finally {
        await events.close();
        await queue.close();
      }
    },
  };
}
