import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import type { PlainConvGeometry } from '../../test-utils/conv-reference.js';
import { convGradKernelNames, expectBatchIndependent, expectNhwcConvMatches } from '../../test-utils/nhwc-conv.js';
import type { NnkitConvAttrs } from '../conv-nhwc.js';
import { WINOGRAD_MAX_VALUES, WINOGRAD_MIN_TILES, winogradApplies } from './winograd.js';

const attrs = (pad: [number, number, number, number]): NnkitConvAttrs => ({ strides: [1, 1], dilations: [1, 1], pad, depthwise: false });

/** A `3 × 3` stride-1 geometry with input `[B, C, H, W]`, `Co` filters and padding `[t, b, l, r]`. */
const geometry = (B: number, C: number, H: number, W: number, Co: number, p: [number, number, number, number]): PlainConvGeometry => ({ B, C, H, W, Co, kH: 3, kW: 3, stride: [1, 1], dilation: [1, 1], p });

/** The NHWC kernel (which must take this path) on NCHW operands from `seed`, against float64. */
function check(g: PlainConvGeometry, seed: number): void {
  expect(winogradApplies([g.B, g.H, g.W, g.C], [3, 3, g.C, g.Co], attrs(g.p))).toBe(true);
  expectNhwcConvMatches(g, seed);
}

describe("3 × 3 convolutions as Winograd's F(2 × 2, 3 × 3) on wasm (NnkitConv2D)", () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('applies to plain 3 × 3 stride-1 convolutions with channel counts in fours, 16 or more in, 8 or more out, 32 or more tiles per sample', () => {
    const p = attrs([1, 1, 1, 1]);
    expect(winogradApplies([1, 73, 73, 80], [3, 3, 80, 192], attrs([0, 0, 0, 0]))).toBe(true);
    expect(winogradApplies([1, 12, 12, 448], [3, 3, 448, 384], p)).toBe(true);
    expect(winogradApplies([8, 8, 8, 448], [3, 3, 448, 384], p)).toBe(false); // 16 tiles per sample
    expect(winogradApplies([1, 8, 15, 448], [3, 3, 448, 384], p)).toBe(true);
    expect(winogradApplies([2, 8, 8, 12], [3, 3, 12, 64], p)).toBe(false);
    expect(winogradApplies([2, 8, 8, 18], [3, 3, 18, 64], p)).toBe(false);
    expect(winogradApplies([2, 8, 8, 16], [3, 3, 16, 6], p)).toBe(false);
    expect(winogradApplies([2, 8, 8, 16], [3, 3, 16, 10], p)).toBe(false);
    expect(winogradApplies([2, 8, 8, 16], [5, 5, 16, 64], p)).toBe(false);
    expect(winogradApplies([2, 8, 8, 16], [3, 3, 16, 64], { ...p, strides: [2, 2] })).toBe(false);
    expect(winogradApplies([2, 8, 8, 16], [3, 3, 16, 64], { ...p, dilations: [1, 2] })).toBe(false);
    expect(winogradApplies([2, 8, 8, 16], [3, 3, 16, 1], { ...p, depthwise: true })).toBe(false);
  });

  const cases: [string, PlainConvGeometry][] = [
    ['even output, no padding', geometry(2, 16, 18, 18, 8, [0, 0, 0, 0])],
    ['odd output sizes (half tiles at the bottom and right), padded', geometry(2, 16, 13, 9, 12, [1, 1, 1, 1])],
    ['uneven padding, wider than tall', geometry(2, 20, 7, 17, 16, [2, 0, 0, 2])],
    ['padding past the kernel (rows of zeros only)', geometry(1, 16, 8, 8, 8, [3, 3, 3, 3])],
    ['one row in, many channels', geometry(1, 64, 1, 64, 20, [1, 1, 1, 1])],
    ["Inception's Mixed_7b (448 → 384), fewer channels", geometry(1, 48, 12, 12, 40, [1, 1, 1, 1])],
  ];

  it.each(cases)('matches float64 in value and both gradients: %s', (_, g) => {
    check(g, 5);
  });

  it('matches float64 on random geometries (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          H: fc.integer({ min: 1, max: 13 }),
          W: fc.integer({ min: 1, max: 13 }),
          C: fc.constantFrom(16, 20, 28),
          Co: fc.constantFrom(8, 12, 16, 36),
          p: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
          seed: fc.integer({ min: 1, max: 100 }),
        }).filter((r) => Math.ceil((r.H + r.p[0] + r.p[1] - 2) / 2) * Math.ceil((r.W + r.p[2] + r.p[3] - 2) / 2) >= WINOGRAD_MIN_TILES && r.H + r.p[0] + r.p[1] >= 3),
        (r) => check(geometry(1, r.C, r.H, r.W, r.Co, r.p), r.seed),
      ),
      // one sample: the filter gradient's sums (window product) stay short enough for 1e-5
      { numRuns: 30 },
    );
  });

  it('runs the input gradient as Winograd too, not on XNNPACK (one NnkitConv2D each way)', async () => {
    // 32 → 32 channels: too few output channels for the window product, so only Winograd keeps it off XNNPACK
    const names = await convGradKernelNames([2, 12, 12, 32], [3, 3, 32, 32], attrs([1, 1, 1, 1]));
    expect(names.filter((n) => n === 'Conv2D')).toEqual([]);
    expect(names.filter((n) => n === 'NnkitConv2D').length).toBe(4);
  });

  it('gives a sample the same output, bit for bit, alone or in a batch of more tiles than one chunk holds', () => {
    // 3 · 65 · 65 tiles of 16 · 64 values: more than WINOGRAD_MAX_VALUES
    expect(3 * 65 * 65 * 16 * 64).toBeGreaterThan(WINOGRAD_MAX_VALUES);
    expectBatchIndependent([3, 130, 130, 64], [3, 3, 64, 64], attrs([1, 1, 1, 1]), [0, 2]);
  });
});
