import type { Parameter } from '@nnkit/nn';
import { add, div, maximum, mul, neg, sqrt, square, type Tensor, tidy, type Variable } from '@tensorflow/tfjs-core';
import { Optimizer, type ParamGroup, type ParamsInput, zerosState } from './optimizer.js';
import { ArgumentError } from '@nnkit/tensor';
import { fusedAdam, fusedAdamAvailable, type FusedAdamSlot } from './fused-adam.js';
import { FUSED_MAX_SIZE } from './fused-kernel.js';

/** Options of {@link Adam} and {@link AdamW} (PyTorch's keyword names in camelCase). */
export interface AdamOptions {
  /** Learning rate. Default 1e-3. */
  lr: number;
  /** Decay rates of the first and second moment estimates, each in [0, 1). Default [0.9, 0.999]. */
  betas: [number, number];
  /** Added to the denominator for stability. Default 1e-8. */
  eps: number;
  /** Weight decay: L2 penalty for Adam (default 0), decoupled decay for AdamW (default 1e-2). */
  weightDecay: number;
  /** AMSGrad variant (keeps the running maximum of the second moment). Default false. */
  amsgrad: boolean;
  /** Maximise the objective instead of minimising it. Default false. */
  maximize: boolean;
}

/**
 * Adam, like `torch.optim.Adam` (PyTorch 1.13, `foreach=False`): with `t` the step,
 * `g += wd·p; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;`
 * `p -= (lr / (1-β1^t)) · m / (sqrt(v) / sqrt(1-β2^t) + eps)` (`v` replaced by its running
 * maximum with `amsgrad`). State per parameter: `step`, `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`.
 * On the wasm and cpu backends a group's parameters are updated by one kernel (the same float32
 * arithmetic, see `fused-adam.ts`) instead of ~13 kernel launches per parameter.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3, weightDecay: 0 });
 * opt.zeroGrad();
 * backward(() => loss(model.call(x), y), model).dispose();
 * opt.step();
 * ```
 */
export class Adam extends Optimizer<AdamOptions> {
  /** Decoupled weight decay (AdamW) instead of an L2 term in the gradient. */
  protected readonly decoupled: boolean = false;

  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, {
      lr: opts.lr ?? 1e-3,
      betas: opts.betas ?? [0.9, 0.999],
      eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? 0,
      amsgrad: opts.amsgrad ?? false,
      maximize: opts.maximize ?? false,
    });
  }

  protected override validate(g: ParamGroup<AdamOptions>): void {
    super.validate(g);
    if (!(g.eps >= 0)) throw new ArgumentError('Adam', `Invalid epsilon value: ${g.eps}`);
    if (!(g.betas[0] >= 0 && g.betas[0] < 1)) throw new ArgumentError('Adam', `Invalid beta parameter at index 0: ${g.betas[0]}`);
    if (!(g.betas[1] >= 0 && g.betas[1] < 1)) throw new ArgumentError('Adam', `Invalid beta parameter at index 1: ${g.betas[1]}`);
    if (!(g.weightDecay >= 0)) throw new ArgumentError('Adam', `Invalid weight_decay value: ${g.weightDecay}`);
  }

  protected updateGroup(g: ParamGroup<AdamOptions>, params: Parameter[]): void {
    const { lr, eps, weightDecay, amsgrad, maximize } = g;
    const [beta1, beta2] = g.betas;
    const steps: number[] = [];
    for (const p of params) {
      const st = this.stateOf(p);
      if (st['step'] === undefined) {
        st['step'] = 0;
        st['expAvg'] = zerosState(p);
        st['expAvgSq'] = zerosState(p);
        if (amsgrad) st['maxExpAvgSq'] = zerosState(p);
      }
      if (amsgrad && st['maxExpAvgSq'] === undefined) st['maxExpAvgSq'] = zerosState(p);
      st['step'] = (st['step'] as number) + 1;
      steps.push(st['step']);
    }
    const states = params.map((p) => this.stateOf(p));
    const slots: FusedAdamSlot[] = params.map((p, i) => ({
      param: p.data,
      grad: p.grad!,
      expAvg: states[i]!['expAvg'] as Variable,
      expAvgSq: states[i]!['expAvgSq'] as Variable,
      ...(amsgrad ? { maxExpAvgSq: states[i]!['maxExpAvgSq'] as Variable } : {}),
    }));
    // Small parameters in one kernel (wasm, cpu; the same float32 arithmetic as below), large
    // ones by the per-op path (see FUSED_MAX_SIZE).
    const fused = params.flatMap((p, i) => (p.size <= FUSED_MAX_SIZE ? [i] : []));
    const rest = fused.length > 0 && fusedAdamAvailable(fused.map((i) => slots[i]!)) ? params.flatMap((p, i) => (p.size <= FUSED_MAX_SIZE ? [] : [i])) : params.map((_, i) => i);
    if (rest.length < params.length) {
      tidy(() => {
        const r = fusedAdam(fused.map((i) => slots[i]!), { lr, beta1, beta2, eps, weightDecay, amsgrad, maximize, decoupled: this.decoupled, steps: fused.map((i) => steps[i]!) });
        fused.forEach((i, k) => {
          params[i]!.assign(r.params[k]!);
          (slots[i]!.expAvg as Variable).assign(r.expAvg[k]!);
          (slots[i]!.expAvgSq as Variable).assign(r.expAvgSq[k]!);
          if (amsgrad) (slots[i]!.maxExpAvgSq as Variable).assign(r.maxExpAvgSq[k]!);
        });
      });
    }
    rest.forEach((i) => {
      const p = params[i]!;
      const step = steps[i]!;
      const expAvg = slots[i]!.expAvg as Variable;
      const expAvgSq = slots[i]!.expAvgSq as Variable;
      tidy(() => {
        let grad: Tensor = maximize ? neg(p.grad!) : p.grad!;
        if (this.decoupled) {
          p.assign(mul(p.data, 1 - lr * weightDecay));
        } else if (weightDecay !== 0) {
          grad = add(grad, mul(p.data, weightDecay));
        }
        expAvg.assign(add(mul(expAvg, beta1), mul(grad, 1 - beta1)));
        expAvgSq.assign(add(mul(expAvgSq, beta2), mul(square(grad), 1 - beta2)));
        const biasCorrection1 = 1 - beta1 ** step;
        const biasCorrection2 = 1 - beta2 ** step;
        const stepSize = lr / biasCorrection1;
        const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
        let second: Tensor = expAvgSq;
        if (amsgrad) {
          const mx = slots[i]!.maxExpAvgSq as Variable;
          mx.assign(maximum(mx, expAvgSq));
          second = mx;
        }
        const denom = add(div(sqrt(second), biasCorrection2Sqrt), eps);
        p.assign(add(p.data, mul(div(expAvg, denom), -stepSize)));
      });
    });
  }
}

/**
 * AdamW, like `torch.optim.AdamW` (PyTorch 1.13): Adam with decoupled weight decay
 * `p *= 1 - lr·wd` before the Adam update (default `weightDecay` 1e-2).
 *
 * @example
 * ```ts
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 * ```
 */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, { ...opts, weightDecay: opts.weightDecay ?? 1e-2 });
  }
}
