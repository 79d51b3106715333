import type { Parameter } from '@nnkit/nn';
import { add, div, mul, neg, sqrt, square, sub, type Tensor, tidy, type Variable } from '@tensorflow/tfjs-core';
import { Optimizer, type ParamGroup, type ParamsInput, zerosState } from './optimizer.js';
import { ArgumentError } from '@nnkit/tensor';

/** Options of {@link RMSprop} (PyTorch's keyword names in camelCase). */
export interface RMSpropOptions {
  /** Learning rate. Default 1e-2. */
  lr: number;
  /** Smoothing constant of the squared-gradient average. Default 0.99. */
  alpha: number;
  /** Added to the denominator for stability. Default 1e-8. */
  eps: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Momentum factor. Default 0. */
  momentum: number;
  /** Centered RMSprop: normalise by an estimate of the gradient's variance. Default false. */
  centered: boolean;
  /** Maximise the objective instead of minimising it. Default false. */
  maximize: boolean;
}

/**
 * RMSprop, like `torch.optim.RMSprop` (PyTorch 1.13): `g += wd·p; v = α·v + (1-α)·g²;`
 * `avg = sqrt(v - ḡ²)` when centered (`ḡ = α·ḡ + (1-α)·g`) else `sqrt(v)`, plus `eps`;
 * with momentum `buf = μ·buf + g/avg; p -= lr·buf`, else `p -= lr·g/avg`.
 * State per parameter: `step`, `square_avg`, `momentum_buffer`, `grad_avg`.
 *
 * @example
 * ```ts
 * const opt = new RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9, centered: true });
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    super(params, {
      lr: opts.lr ?? 1e-2,
      alpha: opts.alpha ?? 0.99,
      eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? 0,
      momentum: opts.momentum ?? 0,
      centered: opts.centered ?? false,
      maximize: opts.maximize ?? false,
    });
  }

  protected override validate(g: ParamGroup<RMSpropOptions>): void {
    super.validate(g);
    if (!(g.eps >= 0)) throw new ArgumentError('RMSprop', `Invalid epsilon value: ${g.eps}`);
    if (!(g.momentum >= 0)) throw new ArgumentError('RMSprop', `Invalid momentum value: ${g.momentum}`);
    if (!(g.weightDecay >= 0)) throw new ArgumentError('RMSprop', `Invalid weight_decay value: ${g.weightDecay}`);
    if (!(g.alpha >= 0)) throw new ArgumentError('RMSprop', `Invalid alpha value: ${g.alpha}`);
  }

  protected updateGroup(g: ParamGroup<RMSpropOptions>, params: Parameter[]): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = g;
    for (const p of params) {
      const st = this.stateOf(p);
      if (st['step'] === undefined) {
        st['step'] = 0;
        st['squareAvg'] = zerosState(p);
        if (momentum > 0) st['momentumBuffer'] = zerosState(p);
        if (centered) st['gradAvg'] = zerosState(p);
      }
      st['step'] = (st['step'] as number) + 1;
      if (momentum > 0 && st['momentumBuffer'] === undefined) st['momentumBuffer'] = zerosState(p);
      if (centered && st['gradAvg'] === undefined) st['gradAvg'] = zerosState(p);
      const squareAvg = st['squareAvg'] as Variable;
      tidy(() => {
        let grad: Tensor = maximize ? neg(p.grad!) : p.grad!;
        if (weightDecay !== 0) grad = add(grad, mul(p.data, weightDecay));
        squareAvg.assign(add(mul(squareAvg, alpha), mul(square(grad), 1 - alpha)));
        let avg: Tensor;
        if (centered) {
          const gradAvg = st['gradAvg'] as Variable;
          gradAvg.assign(add(mul(gradAvg, alpha), mul(grad, 1 - alpha)));
          avg = sqrt(sub(squareAvg, square(gradAvg)));
        } else {
          avg = sqrt(squareAvg);
        }
        avg = add(avg, eps);
        if (momentum > 0) {
          const buf = st['momentumBuffer'] as Variable;
          buf.assign(add(mul(buf, momentum), div(grad, avg)));
          p.assign(add(p.data, mul(buf, -lr)));
        } else {
          p.assign(add(p.data, mul(div(grad, avg), -lr)));
        }
      });
    }
  }
}
