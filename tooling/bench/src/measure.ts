// Measurement helpers for the bench: forward MAC counts and the same-MAC wasm GEMM peer.
import { Module, Parameter } from '@nnkit/nn';
import { matMul, randomNormal, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { timeMs } from './stats.js';

/**
 * Multiply-accumulates of one forward pass of `model` on `x`: Σ over leaf modules with a weight
 * of rank ≥ 2 (convolutions, linears) of output size · weight size / output channels. Counted on
 * the given (throw-away) instance with forward hooks, which also turn off fused paths.
 */
export function forwardMacs(model: Module, x: Tensor): number {
  let macs = 0;
  const handles = [...model.modules()]
    .filter((m) => [...m.children()].length === 0)
    .flatMap((m) => {
      const w = (m as unknown as { weight?: unknown }).weight;
      if (!(w instanceof Parameter) || w.data.rank < 2) return [];
      const perOut = w.data.size / w.data.shape[0]!;
      return [m.registerForwardHook((_m, _in, out) => void (macs += (out as Tensor).size * perOut))];
    });
  tidy(() => void model.call(x));
  for (const h of handles) h.remove();
  return macs;
}

/** Most rows of the GEMM's `[M, 256]` operand (256 MiB); beyond, the time of this size is scaled. */
const GEMM_MAX_ROWS = 2 ** 18;

/**
 * Median ms of one wasm matMul [M, 256] × [256, 64] with M·256·64 ≈ `macs` (the machine's GEMM
 * rate). Above {@link GEMM_MAX_ROWS} rows (e.g. Inception's b8 train step, 137 GMAC: a 8.6 GB
 * operand) the largest GEMM is timed and scaled linearly (the rate is flat at that size).
 */
export async function gemmMs(macs: number, runs: number): Promise<number> {
  const m = Math.max(1, Math.round(macs / (256 * 64)));
  if (m > GEMM_MAX_ROWS) return ((await gemmMs(GEMM_MAX_ROWS * 256 * 64, runs)) * m) / GEMM_MAX_ROWS;
  const a = randomNormal([m, 256]);
  const b = randomNormal([256, 64]);
  const ms = await timeMs(() => tidy(() => void matMul(a, b).dataSync()), runs, 1);
  a.dispose();
  b.dispose();
  return ms;
}
