import type { Runner } from '../runner/runner.js';
import type { Logs } from '../runner/types.js';
import type { Callback } from './callback.js';
import { ArgumentError } from '@nnkit/tensor';

/** Options of {@link CSVLogger} and {@link JSONLLogger}. */
export interface LoggerOptions {
  /** One row per `'epoch'` (default), per `'eval'`, or per optimisation `'step'`. */
  every?: 'epoch' | 'eval' | 'step';
}

/** Rows collected by the loggers; written through the runner's storage (whole file, at epoch ends and at the end). */
abstract class FileLogger implements Callback {
  readonly every: 'epoch' | 'eval' | 'step';
  /** Every row logged so far (`{ epoch, step, ...logs }`). */
  readonly rows: Array<Record<string, number>> = [];
  private dirty = false;

  constructor(
    readonly path: string,
    opts: LoggerOptions = {},
  ) {
    if (typeof path !== 'string' || path === '') throw new ArgumentError(this.constructor.name, 'expected a file path');
    this.every = opts.every ?? 'epoch';
  }

  protected abstract render(): string;

  private add(runner: Runner, logs: Logs, epoch = runner.state.epoch): void {
    this.rows.push({ epoch, step: runner.state.step, ...logs });
    this.dirty = true;
  }

  private async flush(runner: Runner): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await runner.storage.write(this.path, this.render());
  }

  onTrainBegin(runner: Runner): void {
    if (runner.state.step === 0) this.rows.length = 0;
  }

  onBatchEnd(runner: Runner, _step: number, logs: Logs): void {
    if (this.every === 'step') this.add(runner, logs);
  }

  onEvalEnd(runner: Runner, _step: number, logs: Logs): void {
    if (this.every === 'eval') this.add(runner, logs);
  }

  async onEpochEnd(runner: Runner, epoch: number, logs: Logs): Promise<void> {
    if (this.every === 'epoch') this.add(runner, logs, epoch + 1);
    await this.flush(runner);
  }

  async onTrainEnd(runner: Runner): Promise<void> {
    await this.flush(runner);
  }

  stateDict(): unknown {
    return this.rows.map((r) => ({ ...r }));
  }

  loadStateDict(s: unknown): void {
    this.rows.length = 0;
    this.rows.push(...(s as Array<Record<string, number>>));
  }
}

/**
 * Writes the logs as CSV (header = every key seen; `epoch`, `step` first).
 *
 * @example
 * ```ts
 * await runner.fit(train, { epochs: 10, devLoader: dev, callbacks: [new CSVLogger('out/log.csv')] });
 * // epoch,step,loss,lr,dev_loss,dev_accuracy
 * ```
 */
export class CSVLogger extends FileLogger {
  protected render(): string {
    const keys = ['epoch', 'step'];
    for (const r of this.rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
    const lines = [keys.join(',')];
    for (const r of this.rows) lines.push(keys.map((k) => (r[k] === undefined ? '' : String(r[k]))).join(','));
    return `${lines.join('\n')}\n`;
  }
}

/**
 * Writes the logs as JSON Lines (one object per row).
 *
 * @example
 * ```ts
 * new JSONLLogger('out/log.jsonl', { every: 'eval' }); // {"epoch":3,"step":50,"dev_loss":0.41,...}
 * ```
 */
export class JSONLLogger extends FileLogger {
  protected render(): string {
    return this.rows.map((r) => JSON.stringify(r)).join('\n') + (this.rows.length ? '\n' : '');
  }
}
