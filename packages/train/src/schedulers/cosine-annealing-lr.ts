import { type AnyOptimizer, LRScheduler, type LRSchedulerOptions, type SchedulerStateDict } from './lr-scheduler.js';
import { ArgumentError } from '@nnkit/tensor';

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions extends LRSchedulerOptions {
  /** Minimum learning rate. Default 0. */
  etaMin?: number;
}

/**
 * Cosine annealing from each group's initial learning rate down to `etaMin` over `tMax`
 * epochs (and back up, periodically, beyond `tMax`), like
 * `torch.optim.lr_scheduler.CosineAnnealingLR` — PyTorch's recursive form
 * `lr_t = etaMin + (lr_{t-1} - etaMin)·(1 + cos(πt/T)) / (1 + cos(π(t-1)/T))`, so it composes
 * with other changes to `lr` exactly as in PyTorch.
 *
 * @example
 * ```ts
 * const sched = new CosineAnnealingLR(opt, 50, { etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  etaMin: number;

  constructor(
    optimizer: AnyOptimizer,
    public tMax: number,
    opts: CosineAnnealingLROptions = {},
  ) {
    super(optimizer, opts);
    if (!(tMax > 0)) throw new ArgumentError('CosineAnnealingLR', `tMax must be > 0, got ${tMax}`);
    this.etaMin = opts.etaMin ?? 0;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    const groups = this.optimizer.paramGroups;
    if (e === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    if ((((e - 1 - T) % (2 * T)) + 2 * T) % (2 * T) === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return groups.map(
      (g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - etaMin) + etaMin,
    );
  }

  protected override extraState(): SchedulerStateDict {
    return { T_max: this.tMax, eta_min: this.etaMin };
  }

  protected override loadExtraState(s: SchedulerStateDict): void {
    if (typeof s['T_max'] === 'number') this.tMax = s['T_max'];
    if (typeof s['eta_min'] === 'number') this.etaMin = s['eta_min'];
  }
}
