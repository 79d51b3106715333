// Node-only: the BullMQ executor for gridSearch and the worker that runs its trials.
export { queueExecutor, type QueueExecutorOptions } from './executor.js';
export { startQueueWorker, type QueueWorkerOptions, type QueueWorkerHandle } from './worker.js';
export { resolveConnection, checkRedis, type RedisConnection, type ResolvedConnection } from './connection.js';
export { startRedisServer, type RedisServerHandle } from './redis-server.js';
