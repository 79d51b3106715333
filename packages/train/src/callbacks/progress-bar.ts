import type { SingleBar } from 'cli-progress';
import { loadOptionalPeer } from '@nnkit/tensor';
import type { Runner } from '../runner/runner.js';
import type { Logs } from '../runner/types.js';
import type { Callback } from './callback.js';

/** Options of {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** Logged value shown next to the loss; default the dev score (`dev_<first metric>`). */
  metric?: string;
  /** Where to draw; default `process.stderr`. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Draw even when the stream is not a TTY or `CI` is set. Default false. */
  force?: boolean;
}

/**
 * A terminal progress bar over all training steps (cli-progress): epoch, step, loss, the dev
 * metric and the ETA. Quiet when the stream is not a TTY, when `CI` is set, and in browsers.
 *
 * @example
 * ```ts
 * await runner.fit(train, { epochs: 150, devLoader: dev, logSteps: 0, callbacks: [new ProgressBar()] });
 * // ████████░░░░ 62% | epoch 93/150 | step 744/1200 | loss 0.3121 | dev_accuracy 0.9333 | ETA: 4s
 * ```
 */
export class ProgressBar implements Callback {
  private bar: SingleBar | undefined;
  private metric: string | undefined;
  private lastMetric = Number.NaN;
  constructor(readonly opts: ProgressBarOptions = {}) {}

  /** Whether the bar draws (TTY, not CI, Node), or stays quiet. */
  get enabled(): boolean {
    if (this.opts.force) return true;
    const proc = typeof process === 'undefined' ? undefined : process;
    if (!proc?.stderr) return false;
    if (proc.env['CI']) return false;
    return (this.opts.stream ?? proc.stderr).isTTY === true;
  }

  async onTrainBegin(runner: Runner): Promise<void> {
    if (!this.enabled) return;
    const mod = await loadOptionalPeer('cli-progress', 'ProgressBar', () => import('cli-progress'));
    const Bar = mod.SingleBar ?? (mod as unknown as { default: typeof mod }).default.SingleBar;
    this.metric = this.opts.metric ?? `dev_${runner.scoreName}`;
    const total = runner.state.totalSteps ?? 0;
    this.bar = new Bar({
      format: `{bar} {percentage}% | epoch {epoch}/{epochs} | step {value}/{total} | loss {loss} | ${this.metric} {metric} | ETA: {eta_formatted}`,
      stream: this.opts.stream ?? process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      noTTYOutput: this.opts.force ?? false,
    });
    this.bar.start(total, runner.state.step, this.payload(runner, Number.NaN));
  }

  private payload(runner: Runner, loss: number): Record<string, string | number> {
    const f = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : '-');
    return { epoch: Math.min(runner.state.epoch + 1, runner.state.epochs), epochs: runner.state.epochs, loss: f(loss), metric: f(this.lastMetric) };
  }

  onBatchEnd(runner: Runner, step: number, logs: Logs): void {
    this.bar?.update(step, this.payload(runner, logs['loss'] ?? Number.NaN));
  }

  onEvalEnd(_runner: Runner, _step: number, logs: Logs): void {
    const v = this.metric === undefined ? undefined : logs[this.metric];
    if (v !== undefined) this.lastMetric = v;
  }

  onTrainEnd(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
