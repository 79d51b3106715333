import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { NnkitConvAttrs } from '../conv-nhwc.js';
import { mmTiles, TILE_COLUMNS, tilesActive } from './matmul-tiles.js';
import { BASE64 } from './winograd-binary.js';
import { heapOffset, SimdModule, wasmHeap } from './wasm-module.js';

interface WinogradExports {
  /** `u[ξ, q] = (G g G^T)[ξ]` for the `K` columns of an HWIO `3 × 3` filter; u `[16, K]`. */
  wino_filter(f: number, u: number, K: number): void;
  /** `v[ξ, t − t0, :] = (B^T d B)[ξ]` for tiles `t0 ≤ t < t0 + n` of the NHWC input; v `[16, n, C]`. */
  wino_input(x: number, v: number, zero: number, H: number, W: number, C: number, pT: number, pL: number, tH: number, tW: number, t0: number, n: number): void;
  /** `y[b, 2ty + i, 2tx + j, :] = (A^T m A)[i, j]` for tiles `t0 ≤ t < t0 + n` of m `[16, n, Co]`. */
  wino_output(m: number, y: number, dump: number, Ho: number, Wo: number, Co: number, tH: number, tW: number, t0: number, n: number): void;
}

const simd = new SimdModule<WinogradExports>(BASE64);

/*
 * Winograd's minimal filtering for `3 × 3` convolutions. Why: at stride 1 such a convolution takes
 * 9 multiply-adds per output and input channel by its definition (the window product, XNNPACK)
 * and 4 as F(2 × 2, 3 × 3), whose transforms take adds only. Measured 2026-12-03 in one process
 * against the previous routing (forward; forward + both gradients): Inception's `Conv2d_4a_3x3`
 * (80 → 192 on 73², b1) 51 → 25 ms and 251 → 178 ms; `Conv2d_2b_3x3` (32 → 64 on 147²) 32 → 18
 * and 160 → 130 ms; Mixed_5b's 96 → 96 at b8 50 → 29 and 284 → 198 ms; Mixed_7b's 448 → 384 at
 * b8 50 → 28 and 236 → 176 ms. The sums are taken in the transformed domain, so outputs differ
 * from the direct convolution's by float32 rounding only (checked against float64 like every
 * convolution kernel).
 */

/** Most values of the transformed inputs or products made at once (16 MiB each); at least one tile's. */
export const WINOGRAD_MAX_VALUES = 4 * 1024 * 1024;

/**
 * Fewest input channels for the Winograd path: below this, the input and output transforms
 * (adds over 16 values per tile and channel) cost what the saved multiply-adds save.
 */
export const WINOGRAD_MIN_IN_CHANNELS = 16;

/**
 * Fewest output tiles per sample for the Winograd path: with fewer, transforming the filter costs
 * more than the products save (measured 2026-12-03, Inception's Mixed_7b `3 × 3`, 448 → 384 on 8²:
 * 16 tiles 7.5 against 5.4 ms on the window product, 32 tiles 10.7 against 13.8 ms). Counted per
 * sample, not over the batch, so the path — and a sample's float32 rounding — never depends on
 * the batch a sample is in (a batch-2 Inception at 75² once took Winograd where each sample alone
 * did not: outputs 2.5e-5 apart).
 */
export const WINOGRAD_MIN_TILES = 32;

/**
 * Whether `NnkitConv2D` runs this convolution as Winograd's F(2 × 2, 3 × 3) on nnkit's SIMD
 * kernels (`simd/winograd.wat` and `simd/matmul-tiles.wat`): a plain `3 × 3` convolution at
 * stride 1 and dilation 1 (any zero padding), `Cin` and `Cout` multiples of 4, at least
 * {@link WINOGRAD_MIN_IN_CHANNELS} input and {@link TILE_COLUMNS} output channels and
 * {@link WINOGRAD_MIN_TILES} output tiles, on tfjs-backend-wasm with SIMD: Inception v3's
 * `3 × 3` layers, U-Net blocks. The input gradient of such a convolution is one too.
 *
 * @param x input `[B, H, W, Cin]`; filter `[3, 3, Cin, Cout]`
 * @example `winogradApplies([1, 73, 73, 80], [3, 3, 80, 192], attrs) // Inception's Conv2d_4a_3x3`
 */
export function winogradApplies(x: readonly number[], filter: readonly number[], a: NnkitConvAttrs): boolean {
  const [kH, kW] = filter as [number, number];
  const tiles = Math.ceil((x[1]! + a.pad[0] + a.pad[1] - 2) / 2) * Math.ceil((x[2]! + a.pad[2] + a.pad[3] - 2) / 2);
  return kH === 3 && kW === 3 && winogradShapesFit(x, filter, a, tiles) && simd.active();
}

/**
 * The conditions every Winograd path shares (`winograd.ts`, `winograd-rows.ts`): a plain NHWC
 * convolution at stride 1 and dilation 1, `Cin` and `Cout` multiples of 4, at least
 * {@link WINOGRAD_MIN_IN_CHANNELS} input and {@link TILE_COLUMNS} output channels, at least
 * {@link WINOGRAD_MIN_TILES} `tiles` per sample, and nnkit's pack-free product active.
 *
 * @param x input `[B, H, W, Cin]`; filter `[kH, kW, Cin, Cout]`
 * @param tiles the output tiles of one sample
 * @example `winogradShapesFit([1, 73, 73, 80], [3, 3, 80, 192], attrs, 1296)`
 */
export function winogradShapesFit(x: readonly number[], filter: readonly number[], a: NnkitConvAttrs, tiles: number): boolean {
  const [, , Cin, Cout] = filter as [number, number, number, number];
  return (
    !a.depthwise &&
    x.length === 4 &&
    a.strides[0] === 1 &&
    a.strides[1] === 1 &&
    a.dilations[0] === 1 &&
    a.dilations[1] === 1 &&
    x[3] === Cin &&
    Cin % 4 === 0 &&
    Cout % 4 === 0 &&
    Cin >= WINOGRAD_MIN_IN_CHANNELS &&
    Cout >= TILE_COLUMNS &&
    tiles >= WINOGRAD_MIN_TILES &&
    tilesActive()
  );
}

/**
 * One Winograd algorithm's transforms for {@link runWinogradProducts}, as calls on the wasm heap
 * (byte offsets, read after every allocation): `products` transformed planes per tile, `tiles`
 * tiles over the batch.
 */
export interface WinogradPlan {
  products: number;
  tiles: number;
  /** Writes the transformed filter, `[products, Cin·Cout]`, at `u` from the HWIO filter at `f`. */
  filter(f: number, u: number): void;
  /** Writes tiles `t0 … t0 + n − 1` of the input at `x` transformed, `[products, n, Cin]`, at `v`. */
  input(x: number, v: number, zero: number, t0: number, n: number): void;
  /** Writes the outputs of tiles `t0 … t0 + n − 1` from the products `[products, n, Cout]` at `m`. */
  output(m: number, y: number, dump: number, t0: number, n: number): void;
}

/**
 * Kernel-level: a convolution by a Winograd plan — the filter transformed once per call, then
 * chunks of at most {@link WINOGRAD_MAX_VALUES} transformed values: the inputs transformed, one
 * product `[n, Cin] · [Cin, Cout]` per plane on `matmul-tiles.wat`, the outputs transformed back.
 * Each output is the same sums whichever chunk or batch its tile is in.
 *
 * @param x `[B, H, W, Cin]`; filter `[kH, kW, Cin, Cout]`
 * @returns `[B, Ho, Wo, Cout]`
 */
export function runWinogradProducts(backend: object, x: TensorInfo, filter: TensorInfo, out: [number, number, number, number], plan: WinogradPlan): TensorInfo {
  const b = wasmHeap(backend);
  const Cin = x.shape[3]!;
  const Cout = filter.shape[3]!;
  const { products: P, tiles: T } = plan;
  const per = Math.max(1, Math.min(T, Math.floor(WINOGRAD_MAX_VALUES / (P * Math.max(Cin, Cout)))));
  const y = b.makeOutput(out, 'float32');
  const u = b.makeOutput([P, Cin * Cout], 'float32');
  const v = b.makeOutput([P, per, Cin], 'float32');
  const m = b.makeOutput([P, per, Cout], 'float32');
  const zero = b.makeOutput([Cin + Cout], 'float32');
  // Offsets read after every allocation: allocating may grow the memory.
  (b.typedArrayFromHeap(zero) as Float32Array).fill(0, 0, Cin);
  const [pu, pv, pm, pz, py, px] = [u, v, m, zero, y, x].map((t) => heapOffset(b, t)) as [number, number, number, number, number, number];
  plan.filter(heapOffset(b, filter), pu);
  for (let t0 = 0; t0 < T; t0 += per) {
    const n = Math.min(per, T - t0);
    plan.input(px, pv, pz, t0, n);
    for (let xi = 0; xi < P; xi++) mmTiles(b, pv + xi * n * Cin * 4, pu + xi * Cin * Cout * 4, pm + xi * n * Cout * 4, n, Cin, Cout, 4 * Cin, 4);
    plan.output(pm, py, pz + Cin * 4, t0, n);
  }
  for (const t of [u, v, m, zero]) b.disposeData(t.dataId);
  return y;
}

/**
 * Kernel-level: the convolution as F(2 × 2, 3 × 3) (the caller checked {@link winogradApplies}
 * and that the output is not empty), by {@link runWinogradProducts}.
 *
 * @param x `[B, H, W, Cin]`; filter `[3, 3, Cin, Cout]`
 * @returns `[B, Ho, Wo, Cout]`
 */
export function runWinograd(backend: object, x: TensorInfo, filter: TensorInfo, a: NnkitConvAttrs, out: [number, number, number, number]): TensorInfo {
  const [B, H, W, Cin] = x.shape as [number, number, number, number];
  const Cout = filter.shape[3]!;
  const [, Ho, Wo] = out;
  const tH = Math.ceil(Ho / 2);
  const tW = Math.ceil(Wo / 2);
  const k = simd.on(backend)!;
  return runWinogradProducts(backend, x, filter, out, {
    products: 16,
    tiles: B * tH * tW,
    filter: (f, u) => k.wino_filter(f, u, Cin * Cout),
    input: (px, v, zero, t0, n) => k.wino_input(px, v, zero, H, W, Cin, a.pad[0], a.pad[2], tH, tW, t0, n),
    output: (m, y, dump, t0, n) => k.wino_output(m, y, dump, Ho, Wo, Cout, tH, tW, t0, n),
  });
}

/**
 * Instantiates `winograd.wat` on tfjs-backend-wasm's memory (idempotent; awaited by
 * `installKernels('wasm')`; nothing happens without SIMD). `NnkitConv2D` calls it.
 *
 * @returns whether the kernel is in use on this backend.
 */
export async function installWinograd(backend: object | null | undefined): Promise<boolean> {
  return simd.install(backend);
}
