import { type Tensor, clone } from '@tensorflow/tfjs-core';
import { Module } from '../module.js';
import { type Reduction, checkReduction } from './validate.js';

/** Options shared by every loss module: PyTorch's `reduction`. */
export interface LossOptions {
  /** `'mean'` (default), `'sum'` or `'none'` (per-element / per-sample losses). */
  reduction?: Reduction;
}

/**
 * Base class of the loss modules, like PyTorch's `_Loss`: holds `reduction` and has no
 * parameters. Subclasses implement `forward(input, target, ...)`; call with `loss.call(...)`.
 *
 * @example
 * ```ts
 * const crit = new MSELoss({ reduction: 'sum' });
 * crit.reduction; // 'sum'
 * ```
 */
export abstract class Loss extends Module {
  /** How per-element losses are combined. */
  readonly reduction: Reduction;

  constructor(reduction: Reduction = 'mean', extra: readonly string[] = []) {
    super();
    checkReduction(this.constructor.name, reduction, extra);
    this.reduction = reduction;
  }

  /**
   * Registers an optional constant tensor (a class weight) as a buffer under its PyTorch
   * state_dict key (e.g. `weight`, `pos_weight`); the caller keeps ownership of `t`.
   */
  protected optionalBuffer(name: string, t: Tensor | undefined): Tensor | undefined {
    if (t === undefined) {
      this.registerBuffer(name, null);
      return undefined;
    }
    return this.registerBuffer(name, clone(t));
  }

  override extraRepr(): string {
    return `reduction=${this.reduction}`;
  }
}
