import { engine, getKernel, registerKernel, util, type KernelBackend, type KernelFunc, type NamedAttrMap, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Name of nnkit's NCHW max-pooling kernel: `x` `[B, C, H, W]` float32 → `[B, C, Ho, Wo]`, every
 * window scanned row by row and the first maximum kept (PyTorch's rule: `v > max || isNaN(v)`),
 * with implicit −∞ padding, any stride, dilation and output size (ceil mode). Its gradient
 * ({@link NNKIT_MAX_POOL_GRAD}) sends each `dy` to that first maximum, as PyTorch does. Both run
 * in JavaScript on the backend's own arrays (wasm heap views, cpu values): no layout transposes,
 * no strided views, two kernels per pooling layer and step instead of ~40.
 */
export const NNKIT_MAX_POOL = 'NnkitMaxPoolNchw';

/** Name of the gradient kernel of {@link NNKIT_MAX_POOL}: inputs `dy` `[B, C, Ho, Wo]` and `x`; output `dx` like `x`. */
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
}

/**
 * Window scan shared by the forward and the gradient: writes into `arg[o]`, for each output
 * offset `o` (over all `B·C` planes), the flat input offset of its window's first maximum
 * (PyTorch's rule: a later value replaces the maximum when greater, or when NaN).
 *
 * @param x the input values `[B, C, H, W]`
 * @param shape `[B, C, H, W]`
 * @param arg output, at least `B·C·Ho·Wo` entries
 * @example `scanMaxWindows(x, [1, 1, 4, 4], attrs, arg); y[o] = x[arg[o]]`
 */
export function scanMaxWindows(x: Float32Array, shape: readonly number[], a: MaxPoolNchwAttrs, arg: Int32Array): void {
  const [B, C, H, W] = shape as [number, number, number, number];
  const [kH, kW] = a.kernel;
  const [sH, sW] = a.strides;
  const [pT, pL] = a.pads;
  const [dH, dW] = a.dilations;
  const [Ho, Wo] = a.out;
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
          let row = base + h0 * W + w0;
          at = row;
          m = x[row]!;
          for (let i = 0; i < kH; i++, row += rowStep) {
            for (let j = 0, q = row; j < kW; j++, q += dW) {
              const v = x[q]!;
              if (v > m || v !== v) {
                m = v;
                at = q;
              }
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

let scratch = new Int32Array(0);

/** The window maxima's offsets for an input of `shape` (a reused scratch array: read it before the next call). */
function argMax(x: Float32Array, shape: readonly number[], a: MaxPoolNchwAttrs): Int32Array {
  const n = shape[0]! * shape[1]! * a.out[0] * a.out[1];
  if (scratch.length < n) scratch = new Int32Array(n);
  scanMaxWindows(x, shape, a, scratch);
  return scratch;
}

interface HeapBackend {
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: TensorInfo['dtype']): TensorInfo;
}

/** A float32 output of `shape` filled by `fill(inputs, out)` from the inputs' own arrays (wasm heap views, or cpu values). */
function compute(backend: KernelBackend, inputs: TensorInfo[], shape: number[], zero: boolean, fill: (ins: Float32Array[], out: Float32Array) => void): TensorInfo {
  const size = util.sizeFromShape(shape);
  if (typeof (backend as Partial<HeapBackend>).typedArrayFromHeap === 'function') {
    const b = backend as unknown as HeapBackend;
    const out = b.makeOutput(shape, 'float32');
    if (size > 0) {
      // Views taken after makeOutput: allocating can grow (and detach) the heap, which is not zeroed.
      const o = b.typedArrayFromHeap(out);
      if (zero) o.fill(0);
      fill(inputs.map((t) => b.typedArrayFromHeap(t)), o);
    }
    return out;
  }
  const o = new Float32Array(size);
  if (size > 0) fill(inputs.map((t) => backend.readSync(t.dataId) as Float32Array), o);
  return { dataId: backend.write(o, shape, 'float32'), shape, dtype: 'float32' };
}

const forward: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x as TensorInfo;
  const a = attrs as unknown as MaxPoolNchwAttrs;
  const [B, C] = x.shape as [number, number];
  return compute(backend as KernelBackend, [x], [B, C, a.out[0], a.out[1]], false, ([xv], y) => {
    const arg = argMax(xv!, x.shape, a);
    for (let o = 0; o < y.length; o++) y[o] = xv![arg[o]!]!;
  });
};

const gradient: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  const a = attrs as unknown as MaxPoolNchwAttrs;
  return compute(backend as KernelBackend, [dy, x], x.shape, true, ([dyv, xv], dx) => {
    const arg = argMax(xv!, x.shape, a);
    for (let o = 0; o < dyv!.length; o++) {
      const i = arg[o]!;
      dx[i] = dx[i]! + dyv![o]!;
    }
  });
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
export function maxPoolNchw(x: Tensor, a: MaxPoolNchwAttrs): Tensor {
  return engine().runKernel(NNKIT_MAX_POOL, { x }, a as unknown as NamedAttrMap);
}
