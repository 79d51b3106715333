import { engine, type NamedTensorMap, type Tensor } from '@tensorflow/tfjs-core';
import { fusedKernel, fusedKernelAvailable } from './fused-kernel.js';
import type { SGDOptions } from './sgd.js';

/** Name of the kernel that applies one SGD update to many parameters at once. */
export const NNKIT_SGD = 'NnkitSGD';

/** Hyper-parameters of one fused SGD update (one parameter group): the group's options, and per parameter whether it has a momentum buffer. */
export interface FusedSgdAttrs extends SGDOptions {
  /** `hasBuffer[i]`: parameter i has a momentum buffer (false on its first step: the buffer becomes `d`). */
  hasBuffer: boolean[];
}

const f = Math.fround;

/**
 * One SGD step of one parameter on float32 arrays, each operation rounded to float32 in the
 * order of the per-parameter tensor ops in `sgd.ts` (PyTorch 1.13's `_single_tensor_sgd`), so the
 * result is bit-identical to running those ops one kernel at a time.
 */
function sgdUpdate(a: FusedSgdAttrs, first: boolean, p: Float32Array, g: Float32Array, b: Float32Array | null, pOut: Float32Array, bOut: Float32Array | null): void {
  const wd = f(a.weightDecay);
  const mu = f(a.momentum);
  const keep = f(1 - a.dampening);
  const negLr = f(-a.lr);
  for (let j = 0; j < p.length; j++) {
    const pj = p[j]!;
    let d = a.maximize ? -g[j]! : g[j]!;
    if (a.weightDecay !== 0) d = f(d + f(pj * wd));
    if (bOut !== null) {
      const buf = first ? d : f(f(b![j]! * mu) + f(d * keep));
      bOut[j] = buf;
      d = a.nesterov ? f(d + f(buf * mu)) : buf;
    }
    pOut[j] = f(pj + f(d * negLr));
  }
}

/** Inputs `p<i>`, `g<i>` (and `b<i>`, the momentum buffer once it exists); outputs `[p…, (b…)]`. */
const fusedSgdKernel = fusedKernel<FusedSgdAttrs>(
  (a) => a.hasBuffer.length,
  (a) => (a.momentum !== 0 ? ['p', 'b'] : ['p']),
  (a, i, input, output) => sgdUpdate(a, !a.hasBuffer[i], input('p')!, input('g')!, input('b'), output('p'), a.momentum !== 0 ? output('b') : null),
);

/** One parameter's tensors for {@link fusedSgd}. */
export interface FusedSgdSlot {
  param: Tensor;
  grad: Tensor;
  /** The momentum buffer, when it exists. */
  buffer?: Tensor;
}

/** Whether {@link fusedSgd} can run on the active backend (wasm or cpu, all tensors float32). */
export function fusedSgdAvailable(slots: FusedSgdSlot[]): boolean {
  return fusedKernelAvailable(NNKIT_SGD, fusedSgdKernel, slots.flatMap((s) => [s.param, s.grad, s.buffer]));
}

/**
 * SGD's update of every parameter of a group in ONE kernel launch instead of 2–6 per parameter:
 * launch overhead is most of a small model's optimizer step. Returns the new tensors (the caller
 * assigns and disposes them): `params[i]`, and `buffers[i]` with momentum. Call only when
 * {@link fusedSgdAvailable} said yes.
 *
 * @example
 * ```ts
 * const r = fusedSgd(slots, { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, hasBuffer });
 * ```
 */
export function fusedSgd(slots: FusedSgdSlot[], attrs: FusedSgdAttrs): { params: Tensor[]; buffers: Tensor[] } {
  const inputs: NamedTensorMap = {};
  slots.forEach((s, i) => {
    inputs[`p${i}`] = s.param;
    inputs[`g${i}`] = s.grad;
    if (s.buffer !== undefined) inputs[`b${i}`] = s.buffer;
  });
  const outs = engine().runKernel(NNKIT_SGD, inputs, attrs as unknown as Record<string, never>) as Tensor[];
  const n = slots.length;
  return { params: outs.slice(0, n), buffers: attrs.momentum !== 0 ? outs.slice(n, 2 * n) : [] };
}
