import { ArgumentError } from '@nnkit/tensor';
import { Redis, type RedisOptions } from 'ioredis';
import { QueueError } from '../errors.js';

/** Where Redis is: a `redis://[user:password@]host[:port][/db]` URL (or `rediss://` for TLS), or its parts. */
export type RedisConnection = string | { host: string; port?: number; username?: string; password?: string; db?: number; tls?: boolean };

/** Resolved connection options and a printable address (password left out). */
export interface ResolvedConnection {
  options: RedisOptions;
  label: string;
}

/**
 * Resolves a {@link RedisConnection} once: ioredis options plus the address to name in messages.
 *
 * @example
 * ```ts
 * resolveConnection('redis://:secret@10.0.0.5:6380/2').label; // 'redis://10.0.0.5:6380/2'
 * ```
 */
export function resolveConnection(c: RedisConnection): ResolvedConnection {
  if (typeof c === 'string') {
    let url: URL;
    try {
      url = new URL(c);
    } catch {
      throw new ArgumentError('queue', `connection must be a redis://host:port URL, got '${c}'`);
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new ArgumentError('queue', `connection must be a redis:// or rediss:// URL, got '${c}'`);
    const port = url.port ? Number(url.port) : 6379;
    const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
    if (!Number.isInteger(db) || db < 0) throw new ArgumentError('queue', `the database in '${c}' must be a number, got '${url.pathname.slice(1)}'`);
    const options: RedisOptions = { host: url.hostname || '127.0.0.1', port, db };
    if (url.username) options.username = decodeURIComponent(url.username);
    if (url.password) options.password = decodeURIComponent(url.password);
    if (url.protocol === 'rediss:') options.tls = {};
    return { options, label: `${url.protocol}//${options.host}:${port}${db ? `/${db}` : ''}` };
  }
  if (c === null || typeof c !== 'object' || typeof c.host !== 'string') throw new ArgumentError('queue', 'connection must be a redis:// URL or { host, port }');
  const port = c.port ?? 6379;
  const options: RedisOptions = { host: c.host, port, db: c.db ?? 0 };
  if (c.username !== undefined) options.username = c.username;
  if (c.password !== undefined) options.password = c.password;
  if (c.tls) options.tls = {};
  return { options, label: `${c.tls ? 'rediss' : 'redis'}://${c.host}:${port}${c.db ? `/${c.db}` : ''}` };
}

/**
 * Connects once, fails fast with a {@link QueueError} naming the address when Redis cannot be
 * reached (ioredis alone would retry forever), and checks the server is Redis ≥ 6.2 (BullMQ's floor).
 */
export async function checkRedis(conn: ResolvedConnection, timeoutMs = 5000): Promise<void> {
  const redis = new Redis({ ...conn.options, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => {}); // reported below
  try {
    await redis.connect();
    const info = await redis.info('server');
    const version = /redis_version:(\d+)\.(\d+)/.exec(info);
    if (version && (Number(version[1]) < 6 || (Number(version[1]) === 6 && Number(version[2]) < 2))) {
      throw new QueueError(`Redis at ${conn.label} is version ${version[1]}.${version[2]}; BullMQ needs 6.2 or newer`);
    }
  } catch (e) {
    if (e instanceof QueueError) throw e;
    throw new QueueError(`cannot reach Redis at ${conn.label}: ${(e as Error).message}`, { cause: e });
  } finally {
    redis.disconnect();
  }
}

/** BullMQ's connection options for queues and workers (no request retry limit, as BullMQ requires). */
export function bullConnection(conn: ResolvedConnection): RedisOptions {
  return { ...conn.options, maxRetriesPerRequest: null };
}
