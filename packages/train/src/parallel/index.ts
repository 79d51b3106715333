export { DataParallel, type DataParallelLike, shardSizes, shardSeed } from './data-parallel.js';
export { Replica, type ReplicaModel } from './replica.js';
export { serveReplica, type ReplicaScope } from './serve-replica.js';
export { ReplicaChannel, webWorkerEndpoint, type ReplicaEndpoint, type WebWorkerLike } from './replica-channel.js';
export type { StepRequest, StepResult, ReplicaLayout, ReplicaTask, ReplicaMessage } from './protocol.js';
