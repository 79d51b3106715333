import { type AnyOptimizer, LRScheduler, type LRSchedulerOptions, type SchedulerStateDict } from './lr-scheduler.js';

/**
 * Multiplies each group's learning rate by `gamma` every epoch, like
 * `torch.optim.lr_scheduler.ExponentialLR`.
 *
 * @example
 * ```ts
 * const sched = new ExponentialLR(opt, 0.95);
 * ```
 */
export class ExponentialLR extends LRScheduler {
  constructor(
    optimizer: AnyOptimizer,
    public gamma: number,
    opts: LRSchedulerOptions = {},
  ) {
    super(optimizer, opts);
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }

  protected override extraState(): SchedulerStateDict {
    return { gamma: this.gamma };
  }

  protected override loadExtraState(s: SchedulerStateDict): void {
    if (typeof s['gamma'] === 'number') this.gamma = s['gamma'];
  }
}
