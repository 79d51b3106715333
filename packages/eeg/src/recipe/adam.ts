import { add, div, mul, sqrt, square, tidy, type Variable, variable, zerosLike } from '@tensorflow/tfjs-core';
import type { Parameter } from '@nnkit/nn';

/** What the recipe needs from an optimizer (e.g. `@nnkit/train`'s `Adam` fits). */
export interface RecipeOptimizer {
  zeroGrad(): void;
  step(): void;
  dispose?(): void;
}

/**
 * Plain Adam (β = 0.9, 0.999, eps 1e-8, no weight decay) with PyTorch 1.13's update rule,
 * the recipe's default optimizer. `@nnkit/eeg` does not depend on `@nnkit/train` (both are
 * model-layer packages); pass `optimizer: (ps) => new Adam(ps, { lr })` from `@nnkit/train` to
 * use its full-featured Adam instead: the updates are the same.
 * @internal
 */
export class RecipeAdam implements RecipeOptimizer {
  private t = 0;
  private readonly m: Variable[];
  private readonly v: Variable[];

  constructor(
    private readonly params: Parameter[],
    private readonly lr: number,
  ) {
    this.m = params.map((p) => tidy(() => variable(zerosLike(p.data), false)));
    this.v = params.map((p) => tidy(() => variable(zerosLike(p.data), false)));
  }

  zeroGrad(): void {
    for (const p of this.params) p.setGrad(null);
  }

  step(): void {
    this.t += 1;
    const [b1, b2, eps] = [0.9, 0.999, 1e-8];
    const stepSize = this.lr / (1 - b1 ** this.t);
    const bc2 = Math.sqrt(1 - b2 ** this.t);
    this.params.forEach((p, i) => {
      const g = p.grad;
      if (g === null) return;
      const m = this.m[i]!;
      const v = this.v[i]!;
      tidy(() => {
        m.assign(add(mul(m, b1), mul(g, 1 - b1)));
        v.assign(add(mul(v, b2), mul(square(g), 1 - b2)));
        p.assign(add(p.data, mul(div(m, add(div(sqrt(v), bc2), eps)), -stepSize)));
      });
    });
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
