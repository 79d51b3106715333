import { type AnyOptimizer, LRScheduler, type LRSchedulerOptions, type SchedulerStateDict } from './lr-scheduler.js';
import { ArgumentError } from '@nnkit/tensor';

/** Options of {@link StepLR} and {@link MultiStepLR}. */
export interface StepLROptions extends LRSchedulerOptions {
  /** Multiplicative factor of the decay. Default 0.1. */
  gamma?: number;
}

/**
 * Multiplies each group's learning rate by `gamma` every `stepSize` epochs, like
 * `torch.optim.lr_scheduler.StepLR`.
 *
 * @example
 * ```ts
 * const sched = new StepLR(opt, 30, { gamma: 0.1 }); // lr 0.05 → 0.005 at epoch 30 → ...
 * ```
 */
export class StepLR extends LRScheduler {
  gamma: number;

  constructor(
    optimizer: AnyOptimizer,
    public stepSize: number,
    opts: StepLROptions = {},
  ) {
    super(optimizer, opts);
    if (!(Number.isInteger(stepSize) && stepSize > 0)) throw new ArgumentError('StepLR', `stepSize must be a positive integer, got ${stepSize}`);
    this.gamma = opts.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }

  protected override extraState(): SchedulerStateDict {
    return { step_size: this.stepSize, gamma: this.gamma };
  }

  protected override loadExtraState(s: SchedulerStateDict): void {
    if (typeof s['step_size'] === 'number') this.stepSize = s['step_size'];
    if (typeof s['gamma'] === 'number') this.gamma = s['gamma'];
  }
}

/**
 * Multiplies each group's learning rate by `gamma` when the epoch reaches a milestone (a
 * milestone listed twice multiplies by `gamma²`), like `torch.optim.lr_scheduler.MultiStepLR`.
 *
 * @example
 * ```ts
 * const sched = new MultiStepLR(opt, [30, 80], { gamma: 0.1 });
 * ```
 */
export class MultiStepLR extends LRScheduler {
  gamma: number;
  milestones: number[];

  constructor(optimizer: AnyOptimizer, milestones: number[], opts: StepLROptions = {}) {
    super(optimizer, opts);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = opts.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (count === 0) return lrs;
    return lrs.map((lr) => lr * this.gamma ** count);
  }

  protected override extraState(): SchedulerStateDict {
    const counts: Record<string, number> = {};
    for (const m of this.milestones) counts[m] = (counts[m] ?? 0) + 1;
    return { milestones: counts, gamma: this.gamma };
  }

  protected override loadExtraState(s: SchedulerStateDict): void {
    if (typeof s['gamma'] === 'number') this.gamma = s['gamma'];
    const m = s['milestones'];
    if (m !== null && typeof m === 'object' && !Array.isArray(m)) {
      this.milestones = Object.entries(m as Record<string, number>)
        .flatMap(([k, n]) => new Array<number>(n).fill(Number(k)))
        .sort((a, b) => a - b);
    } else if (Array.isArray(m)) {
      this.milestones = (m as number[]).slice().sort((a, b) => a - b);
    }
  }
}
