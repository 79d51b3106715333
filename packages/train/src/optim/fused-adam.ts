import { engine, type NamedTensorMap, type Tensor } from '@tensorflow/tfjs-core';
import { fusedKernel, fusedKernelAvailable } from './fused-kernel.js';

/** Name of the kernel that applies one Adam/AdamW update to many parameters at once. */
export const NNKIT_ADAM = 'NnkitAdam';

/** Hyper-parameters of one fused update (one parameter group); `steps[i]` is parameter i's step count `t`. */
export interface FusedAdamAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  decoupled: boolean;
  steps: number[];
}

/** The tensors of parameter i: value, gradient, first and second moments, running max (amsgrad). */
export interface FusedAdamSlot {
  param: Tensor;
  grad: Tensor;
  expAvg: Tensor;
  expAvgSq: Tensor;
  maxExpAvgSq?: Tensor;
}

const f = Math.fround;

/**
 * One Adam step of one parameter on float32 arrays, each operation rounded to float32 in the
 * order of the per-parameter tensor ops in `adam.ts` (PyTorch 1.13's `_single_tensor_adam`), so
 * the result is bit-identical to running those ops one kernel at a time.
 */
function adamUpdate(a: FusedAdamAttrs, t: number, p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, x: Float32Array | null,
  pOut: Float32Array, mOut: Float32Array, vOut: Float32Array, xOut: Float32Array | null): void {
  const b1 = f(a.beta1);
  const c1 = f(1 - a.beta1);
  const b2 = f(a.beta2);
  const c2 = f(1 - a.beta2);
  const wd = f(a.weightDecay);
  const decay = f(1 - a.lr * a.weightDecay);
  const eps = f(a.eps);
  const bc2Sqrt = f(Math.sqrt(1 - a.beta2 ** t));
  const negStep = f(-(a.lr / (1 - a.beta1 ** t)));
  const l2 = !a.decoupled && a.weightDecay !== 0;
  const n = p.length;
  if (!a.maximize && !a.decoupled && !l2 && x === null) {
    // The usual case (Adam, no weight decay, no amsgrad) without per-element branches: ~3× faster.
    for (let j = 0; j < n; j++) {
      const gj = g[j]!;
      const mj = f(f(m[j]! * b1) + f(gj * c1));
      const vj = f(f(v[j]! * b2) + f(f(gj * gj) * c2));
      const denom = f(f(f(Math.sqrt(vj)) / bc2Sqrt) + eps);
      mOut[j] = mj;
      vOut[j] = vj;
      pOut[j] = f(p[j]! + f(f(mj / denom) * negStep));
    }
    return;
  }
  for (let j = 0; j < n; j++) {
    let gj = a.maximize ? -g[j]! : g[j]!;
    let pj = p[j]!;
    if (a.decoupled) pj = f(pj * decay);
    else if (l2) gj = f(gj + f(pj * wd));
    const mj = f(f(m[j]! * b1) + f(gj * c1));
    const vj = f(f(v[j]! * b2) + f(f(gj * gj) * c2));
    let second = vj;
    if (x !== null) {
      const xj = x[j]!;
      second = xj > vj || Number.isNaN(xj) ? xj : vj;
      xOut![j] = second;
    }
    const denom = f(f(f(Math.sqrt(second)) / bc2Sqrt) + eps);
    mOut[j] = mj;
    vOut[j] = vj;
    pOut[j] = f(pj + f(f(mj / denom) * negStep));
  }
}

/**
 * The kernel: inputs `p<i>`, `g<i>`, `m<i>`, `v<i>` (and `x<i>` with amsgrad), all float32;
 * outputs the new values `[p…, m…, v…, (x…)]`.
 */
const fusedAdamKernel = fusedKernel<FusedAdamAttrs>(
  (a) => a.steps.length,
  (a) => (a.amsgrad ? ['p', 'm', 'v', 'x'] : ['p', 'm', 'v']),
  (a, i, input, output) =>
    adamUpdate(a, a.steps[i]!, input('p')!, input('g')!, input('m')!, input('v')!, a.amsgrad ? input('x') : null,
      output('p'), output('m'), output('v'), a.amsgrad ? output('x') : null),
);

/**
 * Whether {@link fusedAdam} can run on the active backend (tfjs-backend-wasm or -cpu) for these
 * tensors (all float32); registers the kernel for that backend on first use.
 */
export function fusedAdamAvailable(slots: FusedAdamSlot[]): boolean {
  return fusedKernelAvailable(NNKIT_ADAM, fusedAdamKernel, slots.flatMap((s) => [s.param, s.grad, s.expAvg, s.expAvgSq, s.maxExpAvgSq]));
}

/**
 * Adam/AdamW's update of every parameter of a group in ONE kernel launch instead of ~13 per
 * parameter (mul, add, square, sqrt, div, … on each): the launch overhead dominated the
 * optimizer step of small models. Returns the new tensors (caller assigns and disposes them):
 * `params[i]`, `expAvg[i]`, `expAvgSq[i]`, `maxExpAvgSq[i]` (amsgrad only). Call only when
 * {@link fusedAdamAvailable} said yes.
 *
 * @example
 * ```ts
 * if (fusedAdamAvailable(slots)) tidy(() => { const r = fusedAdam(slots, attrs); r.params.forEach((t, i) => params[i].assign(t)); });
 * ```
 */
export function fusedAdam(slots: FusedAdamSlot[], attrs: FusedAdamAttrs): { params: Tensor[]; expAvg: Tensor[]; expAvgSq: Tensor[]; maxExpAvgSq: Tensor[] } {
  const inputs: NamedTensorMap = {};
  slots.forEach((s, i) => {
    inputs[`p${i}`] = s.param;
    inputs[`g${i}`] = s.grad;
    inputs[`m${i}`] = s.expAvg;
    inputs[`v${i}`] = s.expAvgSq;
    if (attrs.amsgrad) inputs[`x${i}`] = s.maxExpAvgSq!;
  });
  const outs = engine().runKernel(NNKIT_ADAM, inputs, attrs as unknown as Record<string, never>) as Tensor[];
  const n = slots.length;
  return {
    params: outs.slice(0, n),
    expAvg: outs.slice(n, 2 * n),
    expAvgSq: outs.slice(2 * n, 3 * n),
    maxExpAvgSq: attrs.amsgrad ? outs.slice(3 * n, 4 * n) : [],
  };
}
