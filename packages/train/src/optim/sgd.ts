import type { Parameter } from '@nnkit/nn';
import { add, mul, neg, type Tensor, tidy, type Variable } from '@tensorflow/tfjs-core';
import { FUSED_MAX_SIZE } from './fused-kernel.js';
import { fusedSgd, fusedSgdAvailable, type FusedSgdSlot } from './fused-sgd.js';
import { Optimizer, type ParamGroup, type ParamsInput, stateVar } from './optimizer.js';
import { ArgumentError } from '@nnkit/tensor';

/** Options of {@link SGD} (PyTorch's keyword names in camelCase). */
export interface SGDOptions {
  /** Learning rate (required, as in PyTorch). */
  lr: number;
  /** Momentum factor. Default 0. */
  momentum: number;
  /** Dampening for momentum. Default 0. */
  dampening: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov: boolean;
  /** Maximise the objective instead of minimising it. Default false. */
  maximize: boolean;
}

/**
 * Stochastic gradient descent with optional (Nesterov) momentum, like `torch.optim.SGD`
 * (PyTorch 1.13 update: `d = g + wd·p; buf = μ·buf + (1-τ)·d` (buf = d on the first step);
 * `d = nesterov ? d + μ·buf : buf; p -= lr·d`). State per parameter: `momentum_buffer`.
 * On the wasm and cpu backends a group's parameters are updated by one kernel (the same float32
 * arithmetic, see `fused-sgd.ts`).
 *
 * @example
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * opt.zeroGrad();
 * backward(() => loss(model.call(x), y), model).dispose();
 * opt.step();
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, opts: Partial<SGDOptions> & { lr: number }) {
    super(params, {
      lr: opts.lr,
      momentum: opts.momentum ?? 0,
      dampening: opts.dampening ?? 0,
      weightDecay: opts.weightDecay ?? 0,
      nesterov: opts.nesterov ?? false,
      maximize: opts.maximize ?? false,
    });
  }

  protected override validate(g: ParamGroup<SGDOptions>): void {
    super.validate(g);
    if (!(g.momentum >= 0)) throw new ArgumentError('SGD', `Invalid momentum value: ${g.momentum}`);
    if (!(g.weightDecay >= 0)) throw new ArgumentError('SGD', `Invalid weight_decay value: ${g.weightDecay}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new ArgumentError('SGD', 'Nesterov momentum requires a momentum and zero dampening');
    }
  }

  protected updateGroup(g: ParamGroup<SGDOptions>, params: Parameter[]): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = g;
    const states = params.map((p) => this.stateOf(p));
    const slots: FusedSgdSlot[] = params.map((p, i) => {
      const buffer = momentum !== 0 ? (states[i]!['momentumBuffer'] as Variable | undefined) : undefined;
      return { param: p.data, grad: p.grad!, ...(buffer ? { buffer } : {}) };
    });
    // Small parameters in one kernel (wasm, cpu; the same float32 arithmetic as below), large
    // ones by the per-op path (see FUSED_MAX_SIZE).
    const fused = params.flatMap((p, i) => (p.size <= FUSED_MAX_SIZE ? [i] : []));
    let rest = params;
    if (fused.length > 0 && fusedSgdAvailable(fused.map((i) => slots[i]!))) {
      rest = params.filter((p) => p.size > FUSED_MAX_SIZE);
      tidy(() => {
        const r = fusedSgd(fused.map((i) => slots[i]!), { lr, momentum, dampening, weightDecay, nesterov, maximize, hasBuffer: fused.map((i) => slots[i]!.buffer !== undefined) });
        fused.forEach((i, k) => {
          params[i]!.assign(r.params[k]!);
          if (momentum === 0) return;
          const buf = slots[i]!.buffer as Variable | undefined;
          if (buf) buf.assign(r.buffers[k]!);
          else states[i]!['momentumBuffer'] = stateVar(r.buffers[k]!);
        });
      });
    }
    for (const p of rest) {
      const st = this.stateOf(p);
      tidy(() => {
        let d: Tensor = maximize ? neg(p.grad!) : p.grad!;
        if (weightDecay !== 0) d = add(d, mul(p.data, weightDecay));
        if (momentum !== 0) {
          let buf = st['momentumBuffer'] as Variable | undefined;
          if (buf === undefined) {
            buf = stateVar(d);
            st['momentumBuffer'] = buf;
          } else {
            buf.assign(add(mul(buf, momentum), mul(d, 1 - dampening)));
          }
          d = nesterov ? add(d, mul(buf, momentum)) : buf;
        }
        p.assign(add(p.data, mul(d, -lr)));
      });
    }
  }
}
