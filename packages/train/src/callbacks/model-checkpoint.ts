import { modelPaths, type Runner } from '../runner/runner.js';
import { removeCheckpoint } from '../runner/checkpoint.js';
import type { Logs } from '../runner/types.js';
import { type Callback, improves, monitored, type MonitorMode, resolveMode } from './callback.js';
import { ArgumentError } from '@nnkit/tensor';

/** Options of {@link ModelCheckpoint}. */
export interface ModelCheckpointOptions {
  /** Folder (or storage prefix) to write into. */
  dir: string;
  /**
   * Save only when `monitor` improves (to `<dir>/best`). Default false: save every `every` epochs.
   * Each rewrite of `best` is crash-safe: a full checkpoint commits with its `state.json`, a
   * model-only one (`full: false`) writes fresh weights (`best-<step>-<id>.safetensors`) and then
   * `best.json` naming them (see `Runner.saveModel`'s `freshWeights`); `runner.loadModel(bestPath)` reads it.
   */
  bestOnly?: boolean;
  /** Logged value for `bestOnly`: default `dev_loss`. */
  monitor?: string;
  /** `'min'`, `'max'` or `'auto'` (default). */
  mode?: MonitorMode;
  /** Save every N epochs (to `<dir>/epoch-<n>`) when not `bestOnly`. Default 1. */
  every?: number;
  /** Keep only the last K periodic checkpoints (older ones are deleted). Default: keep all. */
  keepLast?: number;
  /**
   * Write full training checkpoints (model, optimizer, scheduler, RNGs, epoch/step: resumable
   * with `fit({ resumeFrom })`), default true; `false` writes the model only (`saveModel`).
   */
  full?: boolean;
}

/**
 * Saves checkpoints while training: the best one on a monitored value, or one every N epochs
 * keeping the last K. Full checkpoints resume with `fit({ resumeFrom: path })`.
 *
 * @example
 * ```ts
 * const ckpt = new ModelCheckpoint({ dir: 'runs/ckpt', every: 1, keepLast: 3 });
 * await runner.fit(train, { epochs: 8, callbacks: [ckpt] });
 * ckpt.saved; // ['runs/ckpt/epoch-6', 'runs/ckpt/epoch-7', 'runs/ckpt/epoch-8']
 * await runner.fit(train, { epochs: 12, resumeFrom: ckpt.saved.at(-1)! });
 * ```
 */
export class ModelCheckpoint implements Callback {
  readonly dir: string;
  readonly bestOnly: boolean;
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly every: number;
  readonly keepLast: number | undefined;
  readonly full: boolean;
  /** Paths of the periodic checkpoints currently kept, oldest first. */
  saved: string[] = [];
  /** Best monitored value (bestOnly). */
  bestValue: number;
  /** Path of the best checkpoint (bestOnly), once written. */
  bestPath: string | undefined;

  constructor(opts: ModelCheckpointOptions) {
    if (!opts || typeof opts.dir !== 'string' || opts.dir === '') throw new ArgumentError('ModelCheckpoint', 'expected { dir }');
    this.dir = opts.dir.replace(/\/+$/, '');
    this.bestOnly = opts.bestOnly ?? false;
    this.monitor = opts.monitor ?? 'dev_loss';
    this.mode = resolveMode(opts.mode ?? 'auto', this.monitor);
    this.every = opts.every ?? 1;
    this.keepLast = opts.keepLast;
    this.full = opts.full ?? true;
    if (!Number.isInteger(this.every) || this.every < 1) throw new ArgumentError('ModelCheckpoint', `every must be a positive integer, got ${opts.every}`);
    if (this.keepLast !== undefined && (!Number.isInteger(this.keepLast) || this.keepLast < 1)) {
      throw new ArgumentError('ModelCheckpoint', `keepLast must be a positive integer, got ${opts.keepLast}`);
    }
    this.bestValue = this.mode === 'min' ? Infinity : -Infinity;
  }

  private async write(runner: Runner, path: string, rewrite = false): Promise<void> {
    if (this.full) await runner.saveCheckpoint(path);
    // `best` is rewritten on every improvement: fresh weights names + the JSON as commit point
    else await runner.saveModel(path, {}, { freshWeights: rewrite });
  }

  private async remove(runner: Runner, path: string): Promise<void> {
    if (this.full) await removeCheckpoint(runner.storage, path);
    else {
      const { weights, meta } = modelPaths(path);
      await runner.storage.remove(meta);
      await runner.storage.remove(weights);
    }
  }

  async onEvalEnd(runner: Runner, _step: number, logs: Logs): Promise<void> {
    if (!this.bestOnly) return;
    const v = monitored(logs, this.monitor, 'ModelCheckpoint');
    if (v === undefined || !improves(v, this.bestValue, this.mode)) return;
    this.bestValue = v;
    this.bestPath = `${this.dir}/best`;
    await this.write(runner, this.bestPath, true);
  }

  async onEpochEnd(runner: Runner, epoch: number): Promise<void> {
    if (this.bestOnly || (epoch + 1) % this.every !== 0) return;
    const path = `${this.dir}/epoch-${epoch + 1}`;
    this.saved = this.saved.filter((p) => p !== path);
    this.saved.push(path); // before writing, so that the checkpoint's own state lists itself
    await this.write(runner, path);
    while (this.keepLast !== undefined && this.saved.length > this.keepLast) await this.remove(runner, this.saved.shift()!);
  }

  stateDict(): unknown {
    return { saved: [...this.saved], bestValue: Number.isFinite(this.bestValue) ? this.bestValue : null, bestPath: this.bestPath ?? null };
  }

  loadStateDict(s: unknown): void {
    const o = s as { saved: string[]; bestValue: number | null; bestPath: string | null };
    this.saved = [...o.saved];
    this.bestValue = o.bestValue ?? (this.mode === 'min' ? Infinity : -Infinity);
    this.bestPath = o.bestPath ?? undefined;
  }
}
