import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { QueueError } from '../errors.js';

/** A `redis-server` started by {@link startRedisServer}. */
export interface RedisServerHandle {
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Process id of the server (e.g. to read its CPU time). */
  readonly pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after 2 s). */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throw-away `redis-server` (Debian's `redis-server` package, or any on the PATH) on a
 * free loopback port, without persistence — for tests, benchmarks and one-machine searches.
 * Throws a {@link QueueError} when the binary is missing or does not answer within 10 s.
 *
 * @example
 * ```ts
 * const redis = await startRedisServer();
 * const executor = queueExecutor({ connection: redis.url });
 * // …
 * await redis.stop();
 * ```
 */
export async function startRedisServer(opts: { binary?: string; port?: number } = {}): Promise<RedisServerHandle> {
  const port = opts.port ?? (await freePort());
  const binary = opts.binary ?? 'redis-server';
  const child: ChildProcess = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (e) => reject(new QueueError(`cannot start ${binary}: ${e.message} (install Debian's redis-server)`, { cause: e })));
    child.once('exit', (code) => reject(new QueueError(`${binary} exited with code ${code} on port ${port}`)));
  });
  failed.catch(() => {});
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    r.on('error', () => {});
    try {
      await Promise.race([r.connect().then(() => r.ping()), failed]);
      r.disconnect();
      break;
    } catch (e) {
      r.disconnect();
      if (e instanceof QueueError) throw e;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new QueueError(`${binary} did not answer on port ${port} within 10 s`);
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  }
  return {
    url,
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((res) => child.once('exit', () => res()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 2000);
      await gone;
      clearTimeout(t);
    },
  };
}
