import { engine, reshape, type KernelFunc, type NamedAttrMap, type Tensor, type Tensor4D, type TensorInfo } from '@tensorflow/tfjs-core';
import { BASE64 } from './depthwise-spatial-nchw-binary.js';
import { mmTiles, TILE_COLUMNS, tilesActive } from './matmul-tiles.js';
import { heapOffset as offset, SimdModule, wasmHeap } from './wasm-module.js';

/**
 * nnkit's wasm SIMD kernels for a depthwise convolution whose kernel spans every row of the input
 * and is one column wide — EEGNet's spatial filter `Conv2d(C, C·M, (H, 1), groups=C)` over the
 * electrodes — run in PyTorch's own NCHW layout, built from `depthwise-spatial-nchw.wat`: the
 * forward pass and both gradients, any C, M and T (vectorised along T). Small pointwise (`1 × 1`)
 * convolutions are the same product on views ({@link pointwiseNchw}).
 *
 * Why a second spatial kernel beside `depthwise-spatial.ts` (NHWC, inside `NnkitConv2D`): every
 * NHWC convolution first transposes its NCHW input, and this layer's input is the largest tensor
 * of an EEG model (`[64, 8, 22, 1000]`, 11 M values). Measured 2026-12-03 with the bench's
 * conv-shape table (`tooling/bench/src/conv-shapes.ts`, EEGNet's batch-64 shape): `conv2d`
 * forward 11.2 ms and forward + backward 24.7 ms through NHWC (5.6–6.1× and 4.1–4.3× GEMMs of the
 * same multiply-adds), 3.2–3.7 and 8.9–9.2 ms here (1.7–1.8× and 1.5–1.6×). In NCHW each
 * `(b, c)` block is the small product `W_c [M, H] · x[b, c] [H, T]`, and the input gradient
 * `W_cᵀ · dy[b, c]`, with no transposes at all.
 */
interface NchwExports {
  /** For each block i = b·C + c: `y[i, r, :] = Σ_k a[c, r·ar + k·ak]·x[i, k, :]`, one output row at a time (the input gradient). */
  dsn_rows(a: number, x: number, y: number, BC: number, C: number, R: number, K: number, T: number, ar: number, ak: number): void;
  /** The same sums in the same order, each input row streamed once into the block's R output rows (the forward pass). */
  dsn_stream(a: number, x: number, y: number, BC: number, C: number, R: number, K: number, T: number, ar: number, ak: number): void;
  /** `g[c·M+m, h] = Σ_b Σ_t dy[b, c·M+m, t]·x[b, c, h, t]` (g overwritten; each sample's dot products added in order of b). */
  dsn_filter_grad(x: number, dy: number, g: number, B: number, C: number, M: number, H: number, T: number, tiles: number): void;
}

/** Name of the forward kernel (wasm): inputs `x` `[B, C, H, T]`, `filter` `[C·M, 1, H, 1]`; output `[B, C·M, 1, T]`. */
export const NNKIT_DEPTHWISE_SPATIAL_NCHW = 'NnkitDepthwiseSpatialNchw';
/** Name of the input-gradient kernel (wasm): inputs `dy` `[B, C·M, 1, T]`, `filter`; attribute `xShape`; output `[B, C, H, T]`. */
export const NNKIT_DEPTHWISE_SPATIAL_NCHW_INPUT_GRAD = 'NnkitDepthwiseSpatialNchwInputGrad';
/** Name of the filter-gradient kernel (wasm): inputs `x` `[B, C, H, T]`, `dy` `[B, C·M, 1, T]`; output `[C·M, 1, H, 1]`. */
export const NNKIT_DEPTHWISE_SPATIAL_NCHW_FILTER_GRAD = 'NnkitDepthwiseSpatialNchwFilterGrad';

const simd = new SimdModule<NchwExports>(BASE64);

/** Unpadded, float32, non-empty operands, on tfjs-backend-wasm with these kernels installed (SIMD). */
function kernelsUsable(x: Tensor, weight: Tensor, pad: readonly number[]): boolean {
  return (
    pad.every((p) => p === 0) &&
    x.dtype === 'float32' &&
    weight.dtype === 'float32' &&
    x.size > 0 &&
    weight.size > 0 &&
    simd.active()
  );
}

/**
 * Whether `conv2d` with these arguments runs on the NCHW spatial kernels: depthwise (`groups`
 * equal to the input channels, weight `[C·M, 1, H, 1]`), a kernel of all H rows and one column,
 * no padding, stride 1 along W (one output row: the stride along H has no effect), float32,
 * non-empty operands, on tfjs-backend-wasm with SIMD.
 *
 * @param x input `[B, C, H, T]`; weight `[Cout, Cin/groups, kH, kW]`
 * @param pad `[top, bottom, left, right]` zero padding
 * @example `depthwiseSpatialNchwApplies(x, w, 8, [1, 1], [0, 0, 0, 0]) // EEGNet's Conv2d(8, 16, (22, 1), groups=8)`
 */
export function depthwiseSpatialNchwApplies(x: Tensor, weight: Tensor, groups: number, stride: readonly number[], pad: readonly number[]): boolean {
  const [, C, H] = x.shape as [number, number, number, number];
  const [O, I, kH, kW] = weight.shape as [number, number, number, number];
  return (
    x.rank === 4 &&
    weight.rank === 4 &&
    groups === C &&
    I === 1 &&
    O % C === 0 &&
    kH === H &&
    kW === 1 &&
    stride[1] === 1 &&
    kernelsUsable(x, weight, pad)
  );
}

/**
 * Largest output block, in bytes, of one sample and group (`Cout/groups · H · W` float32 values)
 * for which a pointwise convolution runs on the NCHW kernel ({@link pointwiseNchwApplies}): the
 * block stays in cache while the group's input rows stream past it. Measured 2026-12-03 (forward +
 * backward): `[64, 16, 1, 250]` 16 → 16 (16 KiB) 1.34–1.44 ms against 1.65 through NHWC,
 * `[64, 12, 1, 15]` 0.20–0.35 against 0.32–0.53; Inception's 64 → 80 at 73 × 73 (1.7 MiB)
 * 9.8–10.7 against 7.9–9.1 ms, where XNNPACK's GEMM tiles win.
 */
export const POINTWISE_NCHW_MAX_BLOCK_BYTES = 32 * 1024;

/**
 * Whether a pointwise (`1 × 1`, stride 1, unpadded) convolution runs on the NCHW kernel: each
 * sample's group is the product `W_g [Cout/g, Cin/g] · x[b, g] [Cin/g, H·W]`, the same rows
 * product as the spatial filter's, on views of the same memory (no layout transposes), when its
 * output block is at most {@link POINTWISE_NCHW_MAX_BLOCK_BYTES}; float32, non-empty, on
 * tfjs-backend-wasm with SIMD. The choice depends on no batch size.
 *
 * @param x input `[B, Cin, H, W]`; weight `[Cout, Cin/groups, 1, 1]`
 * @param pad `[top, bottom, left, right]` zero padding
 * @example `pointwiseNchwApplies(x, w, 1, [1, 1], [0, 0, 0, 0]) // EEGNet's separable 1 × 1, 16 → 16 over 250 steps`
 */
export function pointwiseNchwApplies(x: Tensor, weight: Tensor, groups: number, stride: readonly number[], pad: readonly number[]): boolean {
  const [, , H, W] = x.shape as [number, number, number, number];
  const [O, , kH, kW] = weight.shape as [number, number, number, number];
  return (
    x.rank === 4 &&
    weight.rank === 4 &&
    kH === 1 &&
    kW === 1 &&
    stride[0] === 1 &&
    stride[1] === 1 &&
    (O / groups) * H * W * 4 <= POINTWISE_NCHW_MAX_BLOCK_BYTES &&
    kernelsUsable(x, weight, pad)
  );
}

/**
 * A {@link pointwiseNchwApplies} convolution on the NCHW kernel: `x` viewed as
 * `[B, groups, Cin/groups, H·W]` and the weight as `[Cout, 1, Cin/groups, 1]`; differentiable.
 *
 * @param x `[B, Cin, H, W]`; weight `[Cout, Cin/groups, 1, 1]`
 * @returns `[B, Cout, H, W]`
 */
export function pointwiseNchw(x: Tensor, weight: Tensor, groups: number): Tensor4D {
  const [B, Cin, H, W] = x.shape as [number, number, number, number];
  const O = weight.shape[0]!;
  const y = depthwiseSpatialNchw(reshape(x, [B, groups, Cin / groups, H * W]), reshape(weight, [O, 1, Cin / groups, 1]));
  return reshape(y, [B, O, H, W]);
}

/**
 * The convolution on the NCHW kernel (the caller checked {@link depthwiseSpatialNchwApplies});
 * differentiable (its gradient is in `gradients/NnkitDepthwiseSpatialNchw-grad.ts`).
 *
 * @param x `[B, C, H, T]`; weight `[C·M, 1, H, 1]`
 * @returns `[B, C·M, 1, T]`
 */
export function depthwiseSpatialNchw(x: Tensor, weight: Tensor): Tensor4D {
  return engine().runKernel(NNKIT_DEPTHWISE_SPATIAL_NCHW, { x, filter: weight }) as Tensor4D;
}

/**
 * Fewest rows of a block's product (`M` output rows in the forward pass, `M` contracted rows in the
 * input gradient) for which the blocks run on the pack-free SIMD product (`matmul-tiles.wat`, its
 * 4 × 8 register tiles) instead of these kernels: the same running sums in the same order, so the
 * same bits. Measured 2026-12-03, forward: EEGNet's separable `1 × 1` (16 → 16 over 250 steps,
 * batch 64) 0.84 → 0.37 ms; the spatial filter (M = 2) 6.1 against 6.2 ms, kept here.
 */
export const NCHW_TILES_MIN_ROWS = 4;

/** Each block `i = b·C + c`: `out[i] = A_c · in[i]` on the pack-free product, `A_c(r, k)` at `a + c·cStride + r·sai + k·sat` (bytes), `in[i]` `[K, T]`, `out[i]` `[m, T]`. */
function tilesBlocks(backend: object, a: number, cStride: number, inp: number, out: number, BC: number, C: number, m: number, K: number, T: number, sai: number, sat: number): void {
  for (let i = 0; i < BC; i++) mmTiles(backend, a + (i % C) * cStride, inp + i * K * T * 4, out + i * m * T * 4, m, K, T, sai, sat);
}

const useTiles = (rows: number, T: number): boolean => rows >= NCHW_TILES_MIN_ROWS && T >= TILE_COLUMNS && tilesActive();

const forwardKernel: KernelFunc = ({ inputs, backend }) => {
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const [B, C, H, T] = x.shape as [number, number, number, number];
  const M = filter.shape[0]! / C;
  const b = wasmHeap(backend);
  const y = b.makeOutput([B, C * M, 1, T], 'float32');
  if (useTiles(M, T)) tilesBlocks(b, offset(b, filter), M * H * 4, offset(b, x), offset(b, y), B * C, C, M, H, T, 4 * H, 4);
  else simd.on(backend)!.dsn_stream(offset(b, filter), offset(b, x), offset(b, y), B * C, C, M, H, T, H, 1);
  return y;
};

const inputGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const [B, C, H, T] = (attrs as unknown as { xShape: [number, number, number, number] }).xShape;
  const M = filter.shape[0]! / C;
  const b = wasmHeap(backend);
  const dx = b.makeOutput([B, C, H, T], 'float32');
  // dx[i] = W_cᵀ · dy[i]: W_c is [M, H], read transposed
  if (useTiles(M, T)) tilesBlocks(b, offset(b, filter), M * H * 4, offset(b, dy), offset(b, dx), B * C, C, H, M, T, 4, 4 * H);
  else simd.on(backend)!.dsn_rows(offset(b, filter), offset(b, dy), offset(b, dx), B * C, C, H, M, T, 1, H);
  return dx;
};

/**
 * Longest rows (T) for which the filter gradient sums pairs of `dy` rows against four `x` rows
 * at a time (2 × 4 dot products: six loads feed eight products, where one dot product at a time
 * loads two per product). Measured 2026-12-03, medians of 21: EEGNet's separable `1 × 1`
 * (`[64, 16, 1, 250]`, T = 250) 0.35–0.39 → 0.25–0.27 ms; its spatial filter (T = 1000, 22 rows
 * of 4 KB per block) 2.5–2.9 → 3.1–3.6 ms, so long rows keep one dot product at a time.
 */
export const DSN_TILES_MAX_T = 256;

const filterGradKernel: KernelFunc = ({ inputs, backend }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const [B, C, H, T] = x.shape as [number, number, number, number];
  const M = dy.shape[1]! / C;
  const b = wasmHeap(backend);
  const g = b.makeOutput([C * M, 1, H, 1], 'float32');
  simd.on(backend)!.dsn_filter_grad(offset(b, x), offset(b, dy), offset(b, g), B, C, M, H, T, T <= DSN_TILES_MAX_T ? 1 : 0);
  return g;
};

/**
 * Instantiates the kernels on tfjs-backend-wasm's memory and registers them (idempotent; awaited
 * by `installKernels('wasm')`). Nothing happens without SIMD, and `conv2d` then takes its NHWC path.
 *
 * @returns whether the kernels are in use on this backend.
 */
export async function installDepthwiseSpatialNchw(backend: object | null | undefined): Promise<boolean> {
  return simd.install(backend, [
    { kernelName: NNKIT_DEPTHWISE_SPATIAL_NCHW, kernelFunc: forwardKernel },
    { kernelName: NNKIT_DEPTHWISE_SPATIAL_NCHW_INPUT_GRAD, kernelFunc: inputGradKernel },
    { kernelName: NNKIT_DEPTHWISE_SPATIAL_NCHW_FILTER_GRAD, kernelFunc: filterGradKernel },
  ]);
}

/**
 * Input gradient of a {@link depthwiseSpatialNchwApplies} convolution on its SIMD kernel:
 * `dx[b, c, h, t] = Σ_m w[c·M+m, h]·dy[b, c·M+m, t]`.
 *
 * @param dy `[B, C·M, 1, T]`; weight `[C·M, 1, H, 1]`; xShape `[B, C, H, T]`
 * @returns `[B, C, H, T]`
 */
export function depthwiseSpatialNchwInputGrad(dy: Tensor, weight: Tensor, xShape: readonly number[]): Tensor {
  return engine().runKernel(NNKIT_DEPTHWISE_SPATIAL_NCHW_INPUT_GRAD, { dy, filter: weight }, { xShape: [...xShape] } as unknown as NamedAttrMap) as Tensor;
}

/**
 * Filter gradient of a {@link depthwiseSpatialNchwApplies} convolution on its SIMD kernel:
 * `dw[c·M+m, h] = Σ_{b,t} dy[b, c·M+m, t]·x[b, c, h, t]`.
 *
 * @param x `[B, C, H, T]`; dy `[B, C·M, 1, T]`
 * @returns `[C·M, 1, H, 1]`
 */
export function depthwiseSpatialNchwFilterGrad(x: Tensor, dy: Tensor): Tensor {
  return engine().runKernel(NNKIT_DEPTHWISE_SPATIAL_NCHW_FILTER_GRAD, { x, dy }) as Tensor;
}
