import type { Runner } from '../runner/runner.js';
import type { Logs } from '../runner/types.js';
import { type Callback, monitored } from './callback.js';

/** A scheduler stepped by {@link LRSchedulerStep}: `step()` or, for ReduceLROnPlateau, `step(metric)`. */
export interface SteppableScheduler {
  step(metric?: number): void;
  stateDict?(): unknown;
  loadStateDict?(s: never): void;
}

/** Options of {@link LRSchedulerStep}. */
export interface LRSchedulerStepOptions {
  /** When to step: after every `'epoch'` (default), every optimisation `'step'`, or every dev `'eval'`. */
  interval?: 'epoch' | 'step' | 'eval';
  /** Pass this logged value to `step(value)` (ReduceLROnPlateau), e.g. `dev_loss`. */
  monitor?: string;
}

/**
 * Steps a learning-rate scheduler that the Runner does not own (its state goes into full
 * checkpoints with the callback). Use it for ReduceLROnPlateau with a monitored dev metric.
 *
 * @example
 * ```ts
 * const plateau = new ReduceLROnPlateau(opt, { mode: 'min', patience: 3 });
 * await runner.fit(train, { epochs: 50, devLoader: dev, callbacks: [new LRSchedulerStep(plateau, { monitor: 'dev_loss' })] });
 * ```
 */
export class LRSchedulerStep implements Callback {
  readonly interval: 'epoch' | 'step' | 'eval';
  readonly monitor: string | undefined;
  constructor(
    readonly scheduler: SteppableScheduler,
    opts: LRSchedulerStepOptions = {},
  ) {
    this.interval = opts.interval ?? 'epoch';
    this.monitor = opts.monitor;
  }

  private stepWith(logs: Logs): void {
    if (this.monitor === undefined) {
      this.scheduler.step();
      return;
    }
    const v = monitored(logs, this.monitor, 'LRSchedulerStep');
    if (v !== undefined) this.scheduler.step(v);
  }

  onBatchEnd(_r: Runner, _s: number, logs: Logs): void {
    if (this.interval === 'step') this.stepWith(logs);
  }

  onEpochEnd(_r: Runner, _e: number, logs: Logs): void {
    if (this.interval === 'epoch') this.stepWith(logs);
  }

  onEvalEnd(_r: Runner, _s: number, logs: Logs): void {
    if (this.interval === 'eval') this.stepWith(logs);
  }

  stateDict(): unknown {
    return this.scheduler.stateDict?.();
  }

  loadStateDict(s: unknown): void {
    if (s !== undefined) this.scheduler.loadStateDict?.(s as never);
  }
}
