import type { Tensor } from '@tensorflow/tfjs-core';
import type { Runner } from '../runner/runner.js';
import type { Logs } from '../runner/types.js';
import { ArgumentError } from '@nnkit/tensor';

/**
 * Hooks called by {@link Runner.fit}; implement any subset (each may be async). Steps are
 * global and counted from 1; epochs from 0. `logs` hold `loss` (train; the step's loss in batch
 * hooks, the epoch's mean in `onEpochEnd`), `lr`, and after an evaluation `dev_loss` and
 * `dev_<metric>` (e.g. `dev_accuracy`). Call `runner.stop(reason)` to end training.
 *
 * A callback with state that must survive a resume (counters, best values) implements
 * `stateDict`/`loadStateDict`; the Runner stores it in full checkpoints.
 *
 * @example
 * ```ts
 * const printer: Callback = { onEpochEnd: (runner, epoch, logs) => console.log(epoch, logs.loss) };
 * await runner.fit(train, { epochs: 5, callbacks: [printer] });
 * ```
 */
export interface Callback {
  onTrainBegin?(runner: Runner): void | Promise<void>;
  onTrainEnd?(runner: Runner, logs: Logs): void | Promise<void>;
  onEpochBegin?(runner: Runner, epoch: number): void | Promise<void>;
  onEpochEnd?(runner: Runner, epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(runner: Runner, step: number): void | Promise<void>;
  /**
   * After the gradients of a step are computed, before the optimizer step (`logs.loss`). When a
   * callback calls `runner.stop()` here, the optimizer step is skipped (see {@link NaNGuard}).
   */
  onBackwardEnd?(runner: Runner, step: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(runner: Runner, step: number, logs: Logs): void | Promise<void>;
  /** After each evaluation on the dev loader (`dev_loss`, `dev_<metric>`). */
  onEvalEnd?(runner: Runner, step: number, logs: Logs): void | Promise<void>;
  /** State to store in a full checkpoint (JSON-able). */
  stateDict?(): unknown;
  /** Restores {@link Callback.stateDict}'s value on resume. */
  loadStateDict?(state: unknown): void;
  /** Tensors to store in a full checkpoint (`<dir>/callbacks.safetensors`), e.g. best weights; the Runner does not dispose them. */
  tensorState?(): Record<string, Tensor>;
  /** Restores {@link Callback.tensorState}'s tensors on resume (the callback takes ownership). */
  loadTensorState?(tensors: Record<string, Tensor>): void;
}

/** The hooks of {@link Callback} that `fit` calls, in the order they first fire. */
export type CallbackHook = 'onTrainBegin' | 'onEpochBegin' | 'onBatchBegin' | 'onBackwardEnd' | 'onBatchEnd' | 'onEvalEnd' | 'onEpochEnd' | 'onTrainEnd';

/**
 * The arguments of each hook, as one typed event map: `fit` emits `name` with exactly
 * `CallbackEvents[name]`, and a callback's method receives them (checked by the compiler end to end).
 *
 * @example
 * ```ts
 * type EpochEnd = CallbackEvents['onEpochEnd']; // [runner: Runner, epoch: number, logs: Logs]
 * ```
 */
export type CallbackEvents = { [K in CallbackHook]: Parameters<NonNullable<Callback[K]>> };

/** Whether a monitored value should go down (`'min'`) or up (`'max'`); `'auto'`: min for names containing `loss`. */
export type MonitorMode = 'min' | 'max' | 'auto';

/** Resolves `'auto'` from the monitored name. */
export function resolveMode(mode: MonitorMode, monitor: string): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return monitor.includes('loss') ? 'min' : 'max';
}

/** Whether `value` improves on `best` by more than `minDelta` in `mode`. */
export function improves(value: number, best: number, mode: 'min' | 'max', minDelta = 0): boolean {
  if (!Number.isFinite(value)) return false;
  return mode === 'min' ? value < best - minDelta : value > best + minDelta;
}

/** Reads `monitor` from logs, or throws an error listing the available keys. */
export function monitored(logs: Logs, monitor: string, who: string): number | undefined {
  const v = logs[monitor];
  if (v === undefined) {
    const keys = Object.keys(logs);
    if (keys.some((k) => k.startsWith('dev_'))) {
      throw new ArgumentError(who, `monitor '${monitor}' is not in the logs; available: ${keys.join(', ')}`);
    }
  }
  return v;
}
