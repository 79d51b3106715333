import type { Tensor } from '@tensorflow/tfjs-core';
import { clone } from '@tensorflow/tfjs-core';
import type { Runner } from '../runner/runner.js';
import type { Logs } from '../runner/types.js';
import { type Callback, improves, monitored, type MonitorMode, resolveMode } from './callback.js';
import { ArgumentError } from '@nnkit/tensor';

/** Options of {@link EarlyStopping}. */
export interface EarlyStoppingOptions {
  /** Logged value to watch: `dev_loss` (default), `dev_accuracy`, `loss`, ... */
  monitor?: string;
  /** `'min'`, `'max'` or `'auto'` (default: min for names containing `loss`). */
  mode?: MonitorMode;
  /** Checks without improvement tolerated before stopping. Default 10. */
  patience?: number;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** At the end of training, load the weights of the best check back into the model. Default false. */
  restoreBest?: boolean;
  /** Check after every dev evaluation (`'eval'`, default) or at every epoch end (`'epoch'`). */
  on?: 'eval' | 'epoch';
}

/**
 * Stops training when `monitor` has not improved for `patience` checks (each dev evaluation,
 * or each epoch). With `restoreBest`, the model ends with the weights of the best check
 * (kept in memory), whether training stopped early or ran to the end.
 *
 * @example
 * ```ts
 * const es = new EarlyStopping({ monitor: 'dev_accuracy', patience: 5, restoreBest: true });
 * await runner.fit(train, { epochs: 100, devLoader: dev, callbacks: [es] });
 * es.bestValue; es.bestStep;
 * ```
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBest: boolean;
  readonly on: 'eval' | 'epoch';
  /** Best monitored value so far (±Infinity before the first check). */
  bestValue: number;
  /** Step of the best check (0 before any). */
  bestStep = 0;
  /** Checks since the last improvement. */
  wait = 0;
  private best: Record<string, Tensor> | undefined;
  private resumed = false;

  constructor(opts: EarlyStoppingOptions = {}) {
    this.monitor = opts.monitor ?? 'dev_loss';
    this.mode = resolveMode(opts.mode ?? 'auto', this.monitor);
    this.patience = opts.patience ?? 10;
    this.minDelta = Math.abs(opts.minDelta ?? 0);
    this.restoreBest = opts.restoreBest ?? false;
    this.on = opts.on ?? 'eval';
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new ArgumentError('EarlyStopping', `patience must be a non-negative integer, got ${opts.patience}`);
    this.bestValue = this.mode === 'min' ? Infinity : -Infinity;
  }

  onTrainBegin(): void {
    if (!this.resumed) this.reset();
    this.resumed = false;
  }

  private reset(): void {
    this.bestValue = this.mode === 'min' ? Infinity : -Infinity;
    this.bestStep = 0;
    this.wait = 0;
    this.dropBest();
  }

  private dropBest(): void {
    if (this.best) for (const t of Object.values(this.best)) t.dispose();
    this.best = undefined;
  }

  private check(runner: Runner, logs: Logs): void {
    const v = monitored(logs, this.monitor, 'EarlyStopping');
    if (v === undefined) return;
    if (improves(v, this.bestValue, this.mode, this.minDelta)) {
      this.bestValue = v;
      this.bestStep = runner.state.step;
      this.wait = 0;
      if (this.restoreBest) {
        this.dropBest();
        this.best = Object.fromEntries(Object.entries(runner.model.stateDict()).map(([k, t]) => [k, clone(t)]));
      }
      return;
    }
    this.wait++;
    if (this.wait >= Math.max(1, this.patience)) {
      runner.stop(`EarlyStopping: ${this.monitor} did not improve for ${this.wait} check(s) (best ${this.bestValue.toFixed(5)} at step ${this.bestStep})`);
    }
  }

  onEvalEnd(runner: Runner, _step: number, logs: Logs): void {
    if (this.on === 'eval') this.check(runner, logs);
  }

  onEpochEnd(runner: Runner, _epoch: number, logs: Logs): void {
    if (this.on === 'epoch') this.check(runner, logs);
  }

  onTrainEnd(runner: Runner): void {
    if (this.restoreBest && this.best) {
      runner.model.loadStateDict(this.best);
      runner.log(`[EarlyStopping] restored the weights of step ${this.bestStep} (${this.monitor} ${this.bestValue.toFixed(5)})`);
    }
    this.dropBest();
  }

  stateDict(): unknown {
    return { bestValue: Number.isFinite(this.bestValue) ? this.bestValue : null, bestStep: this.bestStep, wait: this.wait };
  }

  loadStateDict(s: unknown): void {
    const o = s as { bestValue: number | null; bestStep: number; wait: number };
    this.bestValue = o.bestValue ?? (this.mode === 'min' ? Infinity : -Infinity);
    this.bestStep = o.bestStep;
    this.wait = o.wait;
    this.resumed = true;
  }

  /** The best check's weights (with `restoreBest`), so that a resumed run can still restore them. */
  tensorState(): Record<string, Tensor> {
    return this.best ?? {};
  }

  loadTensorState(tensors: Record<string, Tensor>): void {
    this.dropBest();
    if (Object.keys(tensors).length > 0) this.best = tensors;
  }
}
