import { type AnyOptimizer, copyValue, type SchedulerStateDict } from './lr-scheduler.js';
import { ArgumentError } from '@nnkit/tensor';

/** Options of {@link ReduceLROnPlateau} (PyTorch's keyword names in camelCase). */
export interface ReduceLROnPlateauOptions {
  /** Whether the metric should go down (`'min'`, default, e.g. a loss) or up (`'max'`, e.g. accuracy). */
  mode?: 'min' | 'max';
  /** Factor by which the learning rate is reduced (< 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** Minimum change that counts as an improvement. Default 1e-4. */
  threshold?: number;
  /** `'rel'` (default): improvement relative to the best; `'abs'`: absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again. Default 0. */
  cooldown?: number;
  /** Lower bound on the learning rate: one for all groups or one per group. Default 0. */
  minLr?: number | number[];
  /** Reductions smaller than this are skipped. Default 1e-8. */
  eps?: number;
}

/**
 * Reduces the learning rate by `factor` when a metric has stopped improving for `patience`
 * epochs, like `torch.optim.lr_scheduler.ReduceLROnPlateau`. Call `step(metric)` once per
 * epoch after validation.
 *
 * @example
 * ```ts
 * const sched = new ReduceLROnPlateau(opt, { mode: 'min', factor: 0.5, patience: 5 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(validationLoss()); }
 * ```
 */
export class ReduceLROnPlateau {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  /** Best metric so far (±Infinity before the first step). */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** Number of `step` calls so far. */
  lastEpoch = 0;
  private lastLr: number[];

  constructor(
    readonly optimizer: AnyOptimizer,
    opts: ReduceLROnPlateauOptions = {},
  ) {
    this.factor = opts.factor ?? 0.1;
    if (this.factor >= 1) throw new ArgumentError('ReduceLROnPlateau', 'Factor should be < 1.0.');
    const n = optimizer.paramGroups.length;
    const minLr = opts.minLr ?? 0;
    if (Array.isArray(minLr)) {
      if (minLr.length !== n) throw new ArgumentError('ReduceLROnPlateau', `expected ${n} min_lrs, got ${minLr.length}`);
      this.minLrs = [...minLr];
    } else {
      this.minLrs = new Array<number>(n).fill(minLr);
    }
    this.mode = opts.mode ?? 'min';
    this.thresholdMode = opts.thresholdMode ?? 'rel';
    if (this.mode !== 'min' && this.mode !== 'max') throw new ArgumentError('ReduceLROnPlateau', `mode ${String(this.mode)} is unknown!`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') {
      throw new ArgumentError('ReduceLROnPlateau', `threshold mode ${String(this.thresholdMode)} is unknown!`);
    }
    this.patience = opts.patience ?? 10;
    this.threshold = opts.threshold ?? 1e-4;
    this.cooldown = opts.cooldown ?? 0;
    this.eps = opts.eps ?? 1e-8;
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Whether `a` improves on `best` under the mode and threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  /** Records this epoch's metric (a number or a one-element tensor-like) and reduces the lr when it has plateaued. */
  step(metric: number | { dataSync(): ArrayLike<number> }): void {
    const current = typeof metric === 'number' ? metric : Number(metric.dataSync()[0]);
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const oldLr = g.lr;
        const newLr = Math.max(oldLr * this.factor, this.minLrs[i]!);
        if (oldLr - newLr > this.eps) g.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rate of each group after the last `step`. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The state with PyTorch's keys (`best`, `num_bad_epochs`, `cooldown_counter`, ...). */
  stateDict(): SchedulerStateDict {
    return copyValue({
      factor: this.factor,
      min_lrs: this.minLrs,
      patience: this.patience,
      cooldown: this.cooldown,
      cooldown_counter: this.cooldownCounter,
      mode: this.mode,
      threshold: this.threshold,
      threshold_mode: this.thresholdMode,
      best: this.best,
      num_bad_epochs: this.numBadEpochs,
      mode_worse: this.modeWorse,
      eps: this.eps,
      last_epoch: this.lastEpoch,
      _last_lr: this.lastLr,
    });
  }

  /** Restores the counters and best value saved by {@link ReduceLROnPlateau.stateDict}. */
  loadStateDict(state: SchedulerStateDict): void {
    const num = (k: string, d: number): number => {
      const v = state[k];
      if (typeof v === 'number') return v;
      if (v === 'inf' || v === 'Infinity') return Infinity;
      if (v === '-inf' || v === '-Infinity') return -Infinity;
      return d;
    };
    const self = this as { -readonly [K in keyof ReduceLROnPlateau]: ReduceLROnPlateau[K] };
    if (state['mode'] === 'min' || state['mode'] === 'max') self.mode = state['mode'];
    if (state['threshold_mode'] === 'rel' || state['threshold_mode'] === 'abs') self.thresholdMode = state['threshold_mode'];
    self.factor = num('factor', this.factor);
    self.patience = num('patience', this.patience);
    self.cooldown = num('cooldown', this.cooldown);
    self.threshold = num('threshold', this.threshold);
    self.eps = num('eps', this.eps);
    if (Array.isArray(state['min_lrs'])) self.minLrs = [...(state['min_lrs'] as number[])];
    this.best = state['best'] === null ? this.modeWorse : num('best', this.best);
    this.numBadEpochs = num('num_bad_epochs', this.numBadEpochs);
    this.cooldownCounter = num('cooldown_counter', this.cooldownCounter);
    this.lastEpoch = num('last_epoch', this.lastEpoch);
    if (Array.isArray(state['_last_lr'])) this.lastLr = [...(state['_last_lr'] as number[])];
  }
}
