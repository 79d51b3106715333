import { NnkitError } from '@nnkit/tensor';

/**
 * A job-queue problem: Redis unreachable (the message names the address), a queue in a state
 * nnkit cannot use, a worker that cannot load its trial module.
 *
 * @example
 * ```ts
 * try { await gridSearch({ ..., executor: queueExecutor({ connection: 'redis://10.0.0.5:6379' }) }); }
 * catch (e) { if (e instanceof QueueError) console.error(e.message); } // "queue: cannot reach Redis at redis://10.0.0.5:6379: …"
 * ```
 */
export class QueueError extends NnkitError {
  override readonly code: string = 'queue';
  constructor(
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`queue: ${detail}`, options);
  }
}

/** A trial that threw in a worker: the message is the trial's own error (`Name: message`). */
export class TrialError extends NnkitError {
  override readonly code: string = 'trial';
}
