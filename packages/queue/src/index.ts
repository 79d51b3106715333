// Browser-safe helpers of the queue executor; the executor and the worker live in `@nnkit/queue/node`.
export { QueueError, TrialError } from './errors.js';
export { encodeData, decodeData } from './data-codec.js';
export { trialJobId, sha256Hex } from './job-id.js';
export type { TrialJobPayload, TrialJobResult, TrialProgress } from './types.js';
