import { engine, getKernel, registerKernel, util, type KernelBackend, type KernelFunc, type NamedAttrMap, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import { maxPoolRowsApplies, runMaxPoolRows } from './simd/max-pool-rows.js';

/**
 * Name of nnkit's NCHW max-pooling kernel: `x` `[B, C, H, W]` float32 → `[B, C, Ho, Wo]`, every
 * window scanned row by row and the first maximum kept (PyTorch's rule: `v > max || isNaN(v)`),
 * with implicit −∞ padding, any stride, dilation and output size (ceil mode). Its gradient
 * ({@link NNKIT_MAX_POOL_GRAD}) sends each `dy` to that first maximum, as PyTorch does (the
 * forward's second output, int32 `arg`, holds the maxima's offsets and is saved for it). Both run
 * in JavaScript on the backend's own arrays (wasm heap views, cpu values): no layout transposes,
 * no strided views, two kernels per pooling layer and step instead of ~40; the forward pass on
 * nnkit's SIMD kernel where `maxPoolRowsApplies` (`simd/max-pool-rows.ts`).
 */
export const NNKIT_MAX_POOL = 'NnkitMaxPoolNchw';

/** Name of the gradient kernel of {@link NNKIT_MAX_POOL}: inputs `dy` `[B, C, Ho, Wo]` and the forward's saved `arg`; output `dx` `[B, C, H, W]`. */
export const NNKIT_MAX_POOL_GRAD = 'NnkitMaxPoolNchwGrad';

/** Attributes of {@link NNKIT_MAX_POOL} (pairs are [h, w]). */
export interface MaxPoolNchwAttrs {
  kernel: [number, number];
  strides: [number, number];
  /** Padding before the input (top, left); the output size says how far windows run past the end. */
  pads: [number, number];
  dilations: [number, number];
  /** Output size [Ho, Wo]. */
  out: [number, number];
  /** Input shape [B, C, H, W] (the gradient's output shape). */
  inShape: [number, number, number, number];
}

/**
 * {@link scanMaxWindows} for 2×2 windows inside the input (the common pooling): unrolled and
 * branch-free (`c` is 1 where the candidate wins: greater, or NaN), 2× faster on ReLU outputs,
 * whose many ties defeat branch prediction.
 */
function scan2x2(x: Float32Array, planes: number, H: number, W: number, sH: number, sW: number, Ho: number, Wo: number, arg: Int32Array): void {
  let o = 0;
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < Ho; oh++) {
      let q = p * H * W + oh * sH * W;
      for (let ow = 0; ow < Wo; ow++, q += sW) {
        let at = q;
        let m = x[q]!;
        let v = x[q + 1]!;
        let c = +(v > m) | +(v !== v);
        at += c;
        m = x[at]!;
        v = x[q + W]!;
        c = +(v > m) | +(v !== v);
        at += c * (q + W - at);
        m = x[at]!;
        v = x[q + W + 1]!;
        c = +(v > m) | +(v !== v);
        at += c * (q + W + 1 - at);
        arg[o++] = at;
      }
    }
  }
}

/** The windows of {@link MaxPoolNchwAttrs} (everything but the input shape). */
export type MaxPoolWindows = Omit<MaxPoolNchwAttrs, 'inShape'>;

/**
 * The forward's window scan: writes into `arg[o]`, for each output
 * offset `o` (over all `B·C` planes), the flat input offset of its window's first maximum
 * (PyTorch's rule: a later value replaces the maximum when greater, or when NaN).
 *
 * @param x the input values `[B, C, H, W]`
 * @param shape `[B, C, H, W]`
 * @param arg output, at least `B·C·Ho·Wo` entries
 * @example `scanMaxWindows(x, [1, 1, 4, 4], attrs, arg); y[o] = x[arg[o]]`
 */
export function scanMaxWindows(x: Float32Array, shape: readonly number[], a: MaxPoolWindows, arg: Int32Array): void {
  const [B, C, H, W] = shape as [number, number, number, number];
  const [kH, kW] = a.kernel;
  const [sH, sW] = a.strides;
  const [pT, pL] = a.pads;
  const [dH, dW] = a.dilations;
  const [Ho, Wo] = a.out;
  if (kH === 2 && kW === 2 && dH === 1 && dW === 1 && pT === 0 && pL === 0 && (Ho - 1) * sH + 2 <= H && (Wo - 1) * sW + 2 <= W) {
    scan2x2(x, B * C, H, W, sH, sW, Ho, Wo, arg);
    return;
  }
  const rowStep = dH * W;
  let o = 0;
  for (let p = 0; p < B * C; p++) {
    const base = p * H * W;
    for (let oh = 0; oh < Ho; oh++) {
      const h0 = oh * sH - pT;
      for (let ow = 0; ow < Wo; ow++) {
        const w0 = ow * sW - pL;
        let m = -Infinity;
        let at = -1;
        if (h0 >= 0 && w0 >= 0 && h0 + (kH - 1) * dH < H && w0 + (kW - 1) * dW < W) {
          // window inside the input: no bounds checks
          // branch-free (c = 1 where the candidate wins): ties and ReLU zeros defeat branch prediction
          let row = base + h0 * W + w0;
          at = row;
          m = x[row]!;
          for (let i = 0; i < kH; i++, row += rowStep) {
            for (let j = 0, q = row; j < kW; j++, q += dW) {
              const v = x[q]!;
              const c = +(v > m) | +(v !== v);
              at += c * (q - at);
              m = x[at]!;
            }
          }
          arg[o++] = at;
          continue;
        }
        for (let i = 0; i < kH; i++) {
          const h = h0 + i * dH;
          if (h < 0 || h >= H) continue;
          const row = base + h * W;
          for (let j = 0; j < kW; j++) {
            const w = w0 + j * dW;
            if (w < 0 || w >= W) continue;
            const v = x[row + w]!;
            // v !== v: NaN
            if (v > m || v !== v || at < 0) {
              m = v;
              at = row + w;
            }
          }
        }
        arg[o++] = at;
      }
    }
  }
}

interface HeapBackend {
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
  makeOutput(shape: number[], dtype: TensorInfo['dtype']): TensorInfo;
}

type Out = { shape: number[]; dtype: 'float32' | 'int32'; zero: boolean };

/**
 * Outputs of the given shapes filled by `fill(inputs, outputs)` from the inputs' own arrays
 * (wasm heap views, or the cpu backend's values), without copies.
 */
function compute(backend: KernelBackend, inputs: TensorInfo[], outs: Out[], fill: (ins: (Float32Array | Int32Array)[], outs: (Float32Array | Int32Array)[]) => void): TensorInfo[] {
  const empty = outs.some((o) => util.sizeFromShape(o.shape) === 0);
  if (typeof (backend as Partial<HeapBackend>).typedArrayFromHeap === 'function') {
    const b = backend as unknown as HeapBackend;
    const infos = outs.map((o) => b.makeOutput(o.shape, o.dtype));
    if (!empty) {
      // Views taken after makeOutput: allocating can grow (and detach) the heap, which is not zeroed.
      const views = infos.map((t, k) => {
        const v = b.typedArrayFromHeap(t);
        if (outs[k]!.zero) v.fill(0);
        return v;
      });
      fill(inputs.map((t) => b.typedArrayFromHeap(t)), views);
    }
    return infos;
  }
  const arrays = outs.map((o) => (o.dtype === 'int32' ? new Int32Array(util.sizeFromShape(o.shape)) : new Float32Array(util.sizeFromShape(o.shape))));
  if (!empty) fill(inputs.map((t) => backend.readSync(t.dataId) as Float32Array | Int32Array), arrays);
  return outs.map((o, k) => ({ dataId: backend.write(arrays[k]!, o.shape, o.dtype), shape: o.shape, dtype: o.dtype }));
}

/** Forward: `y` and the flat input offset of each window's first maximum (`arg`, int32, saved for the gradient). */
const forward: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x as TensorInfo;
  const a = attrs as unknown as MaxPoolNchwAttrs;
  if (maxPoolRowsApplies(backend, x, a)) return runMaxPoolRows(backend, x, a);
  const shape = [x.shape[0]!, x.shape[1]!, a.out[0], a.out[1]];
  const outs: Out[] = [
    { shape, dtype: 'float32', zero: false },
    { shape, dtype: 'int32', zero: false },
  ];
  return compute(backend as KernelBackend, [x], outs, ([xv], [y, arg]) => {
    scanMaxWindows(xv as Float32Array, x.shape, a, arg as Int32Array);
    for (let o = 0; o < y!.length; o++) y![o] = xv![arg![o]!]!;
  });
};

/** Gradient: `dx` (zeros of the input's shape) gets each `dy` added at its window's saved maximum. */
const gradient: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, arg } = inputs as { dy: TensorInfo; arg: TensorInfo };
  const a = attrs as unknown as MaxPoolNchwAttrs;
  return compute(backend as KernelBackend, [dy, arg], [{ shape: [...a.inShape], dtype: 'float32', zero: true }], ([dyv, at], [dx]) => {
    for (let o = 0; o < dyv!.length; o++) {
      const i = at![o]!;
      dx![i] = dx![i]! + dyv![o]!;
    }
  })[0]!;
};

/**
 * Registers {@link NNKIT_MAX_POOL} and {@link NNKIT_MAX_POOL_GRAD} for `backendName` (wasm and
 * cpu; others keep the tfjs-op path of `maxPool2d`). Called by `installKernels`; idempotent.
 *
 * @returns whether the kernels were registered now.
 * @example `registerMaxPoolKernels('wasm')`
 */
export function registerMaxPoolKernels(backendName: string): boolean {
  if ((backendName !== 'wasm' && backendName !== 'cpu') || getKernel(NNKIT_MAX_POOL, backendName) !== undefined) return false;
  registerKernel({ kernelName: NNKIT_MAX_POOL, backendName, kernelFunc: forward });
  registerKernel({ kernelName: NNKIT_MAX_POOL_GRAD, backendName, kernelFunc: gradient });
  return true;
}

/** Whether {@link NNKIT_MAX_POOL} is registered for `backendName`. */
export function hasMaxPoolKernel(backendName: string): boolean {
  return getKernel(NNKIT_MAX_POOL, backendName) !== undefined;
}

/**
 * Runs {@link NNKIT_MAX_POOL} (differentiable).
 *
 * @param x `[B, C, H, W]` float32
 * @returns `[B, C, Ho, Wo]`
 * @example `maxPoolNchw(x, { kernel: [2, 2], strides: [2, 2], pads: [0, 0], dilations: [1, 1], out: [14, 14] })`
 */
export function maxPoolNchw(x: Tensor, a: MaxPoolWindows): Tensor {
  const attrs: MaxPoolNchwAttrs = { ...a, inShape: x.shape as [number, number, number, number] };
  const [y, arg] = engine().runKernel(NNKIT_MAX_POOL, { x }, attrs as unknown as NamedAttrMap) as Tensor[];
  arg!.dispose(); // the tape keeps its own reference for the gradient
  return y!;
}
