import type { Module } from './module.js';

/**
 * One model (or reusable module) of a model zoo, as the zoos list them in their `models` export:
 * a name, a builder with small but non-default arguments, and the input it takes. The model
 * contract suite (`tooling/contract`) runs every entry of every zoo through the same checks
 * (input not mutated, finite outputs, eval leaves state alone, batch independence, state-dict
 * round trips, `dispose()` frees everything, parameter counts), so a new model is covered by
 * being listed here.
 *
 * @example
 * ```ts
 * export const models: readonly ModelEntry[] = [
 *   { name: 'EEGTCNet', build: () => new EEGTCNet({ nChans: 3, nClasses: 2 }), inputShape: [2, 3, 256],
 *     paramCount: { value: 3766, source: 'PyTorch reference eeg.py, EEGTCNet(n_chans=3, n_classes=2)' } },
 * ];
 * ```
 */
export interface ModelEntry {
  /** Unique within the zoo; the exported class name, plus a note for a second configuration. */
  readonly name: string;
  /** A fresh instance (train mode) on every call. */
  readonly build: () => Module;
  /** Input shape, batch first (the suite varies the batch); float32 inputs. */
  readonly inputShape: readonly number[];
  /** Parameter count stated by the paper or the reference implementation for this configuration. */
  readonly paramCount?: { readonly value: number; readonly source: string };
}
