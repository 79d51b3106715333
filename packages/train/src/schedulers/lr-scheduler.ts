import type { Optimizer } from '../optim/optimizer.js';
import { ArgumentError } from '@nnkit/tensor';

/** Any optimizer (schedulers only read and write the groups' `lr`, momentum and extra keys). */
export type AnyOptimizer = Optimizer<{ lr: number }>;

/** Options shared by the epoch-based schedulers. */
export interface LRSchedulerOptions {
  /** Index of the last epoch when resuming; -1 (default) starts afresh. */
  lastEpoch?: number;
}

/** A scheduler's state: plain JSON-able values under PyTorch's `state_dict()` keys. */
export type SchedulerStateDict = Record<string, unknown>;

/** Reads/writes a group's extra (scheduler) keys. */
export function groupRecord(opt: AnyOptimizer, i: number): Record<string, unknown> {
  return opt.paramGroups[i] as unknown as Record<string, unknown>;
}

/** A copy of `v` that shares no arrays/objects with it (state dicts hold plain values). */
export function copyValue<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x: unknown) => copyValue(x)) as T;
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x)])) as T;
  }
  return v;
}

/**
 * Base of the epoch-based learning-rate schedulers, like `torch.optim.lr_scheduler._LRScheduler`
 * (PyTorch 1.13): records each group's `initialLr`, applies the first value at construction,
 * and on every {@link LRScheduler.step} advances `lastEpoch` and writes the new learning rates
 * into the optimizer's groups (the recursive "chainable" formulas, as PyTorch does).
 * Call `opt.step()` before `scheduler.step()`.
 *
 * @example
 * ```ts
 * const sched = new StepLR(opt, 30, { gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); opt.step(); sched.step(); }
 * ```
 */
export abstract class LRScheduler {
  /** The learning rate each group started from (`initialLr`). */
  baseLrs: number[];
  /** The epoch count: 0 after construction, +1 per `step()`. */
  lastEpoch: number;
  protected stepCount = 0;
  protected lastLr: number[] = [];

  constructor(
    readonly optimizer: AnyOptimizer,
    opts: LRSchedulerOptions = {},
  ) {
    const lastEpoch = opts.lastEpoch ?? -1;
    optimizer.paramGroups.forEach((_, i) => {
      const g = groupRecord(optimizer, i);
      if (lastEpoch === -1) {
        if (g['initialLr'] === undefined) g['initialLr'] = optimizer.paramGroups[i]!.lr;
      } else if (g['initialLr'] === undefined) {
        throw new ArgumentError(this.constructor.name, `param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      }
    });
    this.baseLrs = optimizer.paramGroups.map((_, i) => groupRecord(optimizer, i)['initialLr'] as number);
    this.lastEpoch = lastEpoch;
  }

  /** Subclasses call this at the end of their constructor (PyTorch's `_initial_step`). */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The learning rates for the current `lastEpoch` (recursive form: may read the groups' lr). */
  protected abstract getLr(): number[];

  /** Advances one epoch (or batch, for per-batch schedules) and sets the groups' learning rates. */
  step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    const values = this.getLr();
    values.forEach((lr, i) => {
      this.optimizer.paramGroups[i]!.lr = lr;
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rate of each group as last set by this scheduler. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Extra state of a subclass (snake_case keys), merged into {@link LRScheduler.stateDict}. */
  protected extraState(): SchedulerStateDict {
    return {};
  }

  /** Restores what {@link LRScheduler.extraState} saved. */
  protected loadExtraState(_state: SchedulerStateDict): void {}

  /** The scheduler's state with PyTorch's keys (`last_epoch`, `base_lrs`, `_step_count`, ...), copied. */
  stateDict(): SchedulerStateDict {
    return copyValue({
      ...this.extraState(),
      base_lrs: this.baseLrs,
      last_epoch: this.lastEpoch,
      _step_count: this.stepCount,
      _last_lr: this.lastLr,
    });
  }

  /** Restores a state from {@link LRScheduler.stateDict} (the optimizer's groups are restored by the optimizer's own `loadStateDict`). */
  loadStateDict(state: SchedulerStateDict): void {
    const s = copyValue(state);
    if (Array.isArray(s['base_lrs'])) this.baseLrs = s['base_lrs'] as number[];
    if (typeof s['last_epoch'] === 'number') this.lastEpoch = s['last_epoch'];
    if (typeof s['_step_count'] === 'number') this.stepCount = s['_step_count'];
    if (Array.isArray(s['_last_lr'])) this.lastLr = s['_last_lr'] as number[];
    this.loadExtraState(s);
  }
}
