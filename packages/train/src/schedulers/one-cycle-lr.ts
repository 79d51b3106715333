import { type AnyOptimizer, groupRecord, LRScheduler, type LRSchedulerOptions, type SchedulerStateDict } from './lr-scheduler.js';
import { ArgumentError, StateError } from '@nnkit/tensor';

/** Options of {@link OneCycleLR} (PyTorch's keyword names in camelCase). */
export interface OneCycleLROptions extends LRSchedulerOptions {
  /** Total number of steps; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  /** Number of epochs (with `stepsPerEpoch`, when `totalSteps` is not given). */
  epochs?: number;
  /** Steps per epoch (with `epochs`). */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr. Default 0.3. */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'` annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle the momentum (SGD `momentum`, Adam `betas[0]`) inversely to the lr. Default true. */
  cycleMomentum?: boolean;
  /** Lower momentum bound(s). Default 0.85. */
  baseMomentum?: number | number[];
  /** Upper momentum bound(s). Default 0.95. */
  maxMomentum?: number | number[];
  /** Initial lr = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** Minimum lr = initial lr / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** Three phases (up, down to the initial lr, then annihilation) instead of two. Default false. */
  threePhase?: boolean;
}

const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

/**
 * The 1cycle policy, like `torch.optim.lr_scheduler.OneCycleLR`: the lr rises from
 * `maxLr/divFactor` to `maxLr` then anneals to `maxLr/(divFactor·finalDivFactor)`, while the
 * momentum (SGD's `momentum` or Adam's `betas[0]`) moves the opposite way. Call `step()` after
 * every batch (`totalSteps` steps in all).
 *
 * @example
 * ```ts
 * const sched = new OneCycleLR(opt, 0.01, { epochs: 10, stepsPerEpoch: loader.length });
 * ```
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1: boolean;
  private phases: Phase[];

  constructor(optimizer: AnyOptimizer, maxLr: number | number[], opts: OneCycleLROptions = {}) {
    const n = optimizer.paramGroups.length;
    const perGroup = (name: string, v: number | number[]): number[] => {
      if (Array.isArray(v)) {
        if (v.length !== n) throw new ArgumentError('OneCycleLR', `expected ${n} values for ${name}, got ${v.length}`);
        return v;
      }
      return new Array<number>(n).fill(v);
    };
    let total: number;
    if (opts.totalSteps === undefined && opts.epochs === undefined && opts.stepsPerEpoch === undefined) {
      throw new ArgumentError('OneCycleLR', 'You must define either total_steps OR (epochs AND steps_per_epoch)');
    } else if (opts.totalSteps !== undefined) {
      if (!(Number.isInteger(opts.totalSteps) && opts.totalSteps > 0)) throw new ArgumentError('OneCycleLR', `Expected positive integer total_steps, but got ${opts.totalSteps}`);
      total = opts.totalSteps;
    } else {
      const { epochs, stepsPerEpoch } = opts;
      if (!(Number.isInteger(epochs) && epochs! > 0)) throw new ArgumentError('OneCycleLR', `Expected positive integer epochs, but got ${epochs}`);
      if (!(Number.isInteger(stepsPerEpoch) && stepsPerEpoch! > 0)) throw new ArgumentError('OneCycleLR', `Expected positive integer steps_per_epoch, but got ${stepsPerEpoch}`);
      total = epochs! * stepsPerEpoch!;
    }
    const pctStart = opts.pctStart ?? 0.3;
    if (!(pctStart >= 0 && pctStart <= 1)) throw new ArgumentError('OneCycleLR', `Expected float between 0 and 1 pct_start, but got ${pctStart}`);
    const anneal = opts.annealStrategy ?? 'cos';
    if (anneal !== 'cos' && anneal !== 'linear') throw new ArgumentError('OneCycleLR', `anneal_strategy must by one of 'cos' or 'linear', instead got ${String(anneal)}`);
    const divFactor = opts.divFactor ?? 25;
    const finalDivFactor = opts.finalDivFactor ?? 1e4;
    const lastEpoch = opts.lastEpoch ?? -1;
    const maxLrs = perGroup('max_lr', maxLr);
    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((_, i) => {
        const g = groupRecord(optimizer, i);
        g['initialLr'] = maxLrs[i]! / divFactor;
        g['maxLr'] = maxLrs[i]!;
        g['minLr'] = (g['initialLr'] as number) / finalDivFactor;
      });
    }
    const cycleMomentum = opts.cycleMomentum ?? true;
    const defaults = optimizer.defaults as Record<string, unknown>;
    const useBeta1 = 'betas' in defaults;
    if (cycleMomentum) {
      if (!('momentum' in defaults) && !useBeta1) throw new ArgumentError('OneCycleLR', 'optimizer must support momentum with `cycle_momentum` option enabled');
      const maxM = perGroup('max_momentum', opts.maxMomentum ?? 0.95);
      const baseM = perGroup('base_momentum', opts.baseMomentum ?? 0.85);
      if (lastEpoch === -1) {
        optimizer.paramGroups.forEach((_, i) => {
          const g = groupRecord(optimizer, i);
          if (useBeta1) g['betas'] = [maxM[i]!, ...(g['betas'] as number[]).slice(1)];
          else g['momentum'] = maxM[i]!;
          g['maxMomentum'] = maxM[i]!;
          g['baseMomentum'] = baseM[i]!;
        });
      }
    }
    super(optimizer, opts);
    this.totalSteps = total;
    this.annealStrategy = anneal;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.phases = opts.threePhase
      ? [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pctStart * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    this.initialStep();
  }

  /**
   * PyTorch's extra state: `total_steps`, `_schedule_phases` (group keys in snake_case, e.g.
   * `'initial_lr'`), `cycle_momentum`, `use_beta1`, and `anneal_strategy` in place of PyTorch's
   * pickled `anneal_func` — so a state loads into a scheduler built with other options.
   */
  protected override extraState(): SchedulerStateDict {
    return {
      total_steps: this.totalSteps,
      _schedule_phases: this.phases.map((p) => ({
        end_step: p.endStep,
        start_lr: snake(p.startLr),
        end_lr: snake(p.endLr),
        start_momentum: snake(p.startMomentum),
        end_momentum: snake(p.endMomentum),
      })),
      anneal_strategy: this.annealStrategy,
      cycle_momentum: this.cycleMomentum,
      use_beta1: this.useBeta1,
    };
  }

  protected override loadExtraState(s: SchedulerStateDict): void {
    if (typeof s['total_steps'] === 'number') this.totalSteps = s['total_steps'];
    if (s['anneal_strategy'] === 'cos' || s['anneal_strategy'] === 'linear') this.annealStrategy = s['anneal_strategy'];
    if (typeof s['cycle_momentum'] === 'boolean') this.cycleMomentum = s['cycle_momentum'];
    if (typeof s['use_beta1'] === 'boolean') this.useBeta1 = s['use_beta1'];
    const phases = s['_schedule_phases'];
    if (Array.isArray(phases)) {
      this.phases = (phases as Array<Record<string, unknown>>).map((p) => ({
        endStep: Number(p['end_step']),
        startLr: camel(String(p['start_lr'])),
        endLr: camel(String(p['end_lr'])),
        startMomentum: camel(String(p['start_momentum'])),
        endMomentum: camel(String(p['end_momentum'])),
      }));
    }
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'cos') return end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new StateError('OneCycleLR', `Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    return this.optimizer.paramGroups.map((_, gi) => {
      const g = groupRecord(this.optimizer, gi);
      let startStep = 0;
      let lr = 0;
      let momentum = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i]!;
        if (stepNum <= phase.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - startStep) / (phase.endStep - startStep);
          lr = this.anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
          if (this.cycleMomentum) momentum = this.anneal(g[phase.startMomentum] as number, g[phase.endMomentum] as number, pct);
          break;
        }
        startStep = phase.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) g['betas'] = [momentum, ...(g['betas'] as number[]).slice(1)];
        else g['momentum'] = momentum;
      }
      return lr;
    });
  }
}
