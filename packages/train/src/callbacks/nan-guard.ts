import { NnkitError } from '@nnkit/tensor';
import type { Runner } from '../runner/runner.js';
import type { Logs } from '../runner/types.js';
import type { Callback } from './callback.js';

/** Options of {@link NaNGuard}. */
export interface NaNGuardOptions {
  /** Throw a {@link NonFiniteLossError} instead of stopping quietly. Default false (stop, with a message). */
  throwError?: boolean;
}

/** Raised by {@link NaNGuard} with `throwError: true`; `step` and `epoch` say where. */
export class NonFiniteLossError extends NnkitError {
  override readonly code: string = 'non-finite-loss';
  constructor(
    readonly step: number,
    readonly epoch: number,
    readonly loss: number,
  ) {
    super(`NaNGuard: the training loss became ${loss} at step ${step} (epoch ${epoch + 1}); training stopped before the update`);
  }
}

/**
 * Stops training as soon as a step's loss is NaN or ±Infinity, before the optimizer applies the
 * bad gradients, with a message naming the step (`runner.stoppedBecause`).
 *
 * @example
 * ```ts
 * await runner.fit(train, { epochs: 10, callbacks: [new NaNGuard()] });
 * runner.stoppedBecause; // 'NaNGuard: the training loss became NaN at step 37 (epoch 5); ...'
 * ```
 */
export class NaNGuard implements Callback {
  /** The message of the last stop, if any. */
  message: string | undefined;
  constructor(readonly opts: NaNGuardOptions = {}) {}

  onBackwardEnd(runner: Runner, step: number, logs: Logs): void {
    const loss = logs['loss'];
    if (loss === undefined || Number.isFinite(loss)) return;
    const err = new NonFiniteLossError(step, runner.state.epoch, loss);
    this.message = err.message;
    if (this.opts.throwError) throw err;
    runner.log(`[NaNGuard] ${err.message}`);
    runner.stop(err.message);
  }
}
