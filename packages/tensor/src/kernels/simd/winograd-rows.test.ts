import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { plainConvOut, type PlainConvGeometry } from '../../test-utils/conv-reference.js';
import { convGradKernelNames, expectBatchIndependent, expectNhwcConvMatches } from '../../test-utils/nhwc-conv.js';
import type { NnkitConvAttrs } from '../conv-nhwc.js';
import { WINOGRAD_MAX_VALUES, WINOGRAD_MIN_TILES } from './winograd.js';
import { winogradRowsApplies } from './winograd-rows.js';

const attrs = (pad: [number, number, number, number]): NnkitConvAttrs => ({ strides: [1, 1], dilations: [1, 1], pad, depthwise: false });

/** A `1 × 7` (`along: 'W'`) or `7 × 1` stride-1 geometry: input `[B, C, H, W]`, `Co` filters, padding `[t, b, l, r]`. */
const geometry = (along: 'W' | 'H', B: number, C: number, H: number, W: number, Co: number, p: [number, number, number, number]): PlainConvGeometry => ({
  B,
  C,
  H,
  W,
  Co,
  kH: along === 'W' ? 1 : 7,
  kW: along === 'W' ? 7 : 1,
  stride: [1, 1],
  dilation: [1, 1],
  p,
});

/** The NHWC kernel (which must take this path) on NCHW operands from `seed`, against float64. */
function check(g: PlainConvGeometry, seed: number): void {
  expect(winogradRowsApplies([g.B, g.H, g.W, g.C], [g.kH, g.kW, g.C, g.Co], attrs(g.p))).toBe(true);
  expectNhwcConvMatches(g, seed);
}

describe("1 × 7 and 7 × 1 convolutions as Winograd's F(2, 3) pieces (3 + 3 + 1 taps) on wasm (NnkitConv2D)", () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('applies to plain 1 × 7 and 7 × 1 stride-1 convolutions with channel counts in fours, 16 or more in, 8 or more out, 32 or more tiles per sample', () => {
    const w = attrs([0, 0, 3, 3]);
    const h = attrs([3, 3, 0, 0]);
    expect(winogradRowsApplies([1, 17, 17, 192], [1, 7, 192, 192], w)).toBe(true);
    expect(winogradRowsApplies([1, 17, 17, 160], [7, 1, 160, 192], h)).toBe(true);
    expect(winogradRowsApplies([8, 4, 4, 192], [1, 7, 192, 192], w)).toBe(false); // 8 tiles per sample
    expect(winogradRowsApplies([1, 17, 17, 12], [1, 7, 12, 192], w)).toBe(false);
    expect(winogradRowsApplies([1, 17, 17, 18], [1, 7, 18, 192], w)).toBe(false);
    expect(winogradRowsApplies([1, 17, 17, 16], [1, 7, 16, 6], w)).toBe(false);
    expect(winogradRowsApplies([1, 17, 17, 16], [1, 5, 16, 64], w)).toBe(false);
    expect(winogradRowsApplies([1, 17, 17, 16], [3, 7, 16, 64], w)).toBe(false);
    expect(winogradRowsApplies([1, 17, 17, 16], [1, 7, 16, 64], { ...w, strides: [1, 2] })).toBe(false);
    expect(winogradRowsApplies([1, 17, 17, 16], [1, 7, 16, 64], { ...w, dilations: [1, 2] })).toBe(false);
    expect(winogradRowsApplies([1, 17, 17, 16], [1, 7, 16, 1], { ...w, depthwise: true })).toBe(false);
  });

  const cases: [string, PlainConvGeometry][] = [
    ["1 × 7 'same' along W, odd width (a half tile at the right)", geometry('W', 2, 16, 7, 9, 12, [0, 0, 3, 3])],
    ["7 × 1 'same' along H, odd height (a half tile at the bottom)", geometry('H', 2, 16, 9, 7, 12, [3, 3, 0, 0])],
    ['1 × 7 unpadded, rows padded too (rows of zeros only)', geometry('W', 2, 20, 3, 20, 8, [1, 1, 0, 0])],
    ['7 × 1 with uneven padding, wider than tall', geometry('H', 1, 24, 6, 12, 16, [5, 1, 2, 0])],
    ['1 × 7 over a row shorter than the kernel (padding only)', geometry('W', 1, 16, 16, 3, 8, [0, 0, 3, 3])],
    ['7 × 1, many channels', geometry('H', 1, 64, 8, 8, 20, [3, 3, 0, 0])],
  ];

  it.each(cases)('matches float64 in value and both gradients: %s', (_, g) => {
    check(g, 5);
  });

  it('holds the input gradient within 1e-5 in the geometry where F(2, 7) in one piece was 1.3e-5 off (taller)', () => {
    check(geometry('H', 2, 20, 11, 6, 36, [2, 2, 1, 0]), 1);
  });

  it('matches float64 on random geometries (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          along: fc.constantFrom('W' as const, 'H' as const),
          H: fc.integer({ min: 1, max: 13 }),
          W: fc.integer({ min: 1, max: 13 }),
          C: fc.constantFrom(16, 20, 28),
          Co: fc.constantFrom(8, 12, 36),
          p: fc.tuple(fc.nat(4), fc.nat(4), fc.nat(4), fc.nat(4)),
          seed: fc.integer({ min: 1, max: 100 }),
        }).filter((r) => (r.along === 'W' ? r.W + r.p[2] + r.p[3] >= 7 && r.H + r.p[0] + r.p[1] >= 1 : r.H + r.p[0] + r.p[1] >= 7 && r.W + r.p[2] + r.p[3] >= 1)),
        (r) => {
          const g = geometry(r.along, 1, r.C, r.H, r.W, r.Co, r.p);
          const [Ho, Wo] = plainConvOut(g);
          // at least WINOGRAD_MIN_TILES tiles per sample, or the kernel does not take the path
          fc.pre((r.along === 'W' ? Ho * Math.ceil(Wo / 2) : Math.ceil(Ho / 2) * Wo) >= WINOGRAD_MIN_TILES);
          check(g, r.seed);
        },
      ),
      // one sample: the filter gradient's sums (window product) stay short enough for 1e-5
      { numRuns: 30 },
    );
  });

  it('runs the input gradient the same way, not on XNNPACK', async () => {
    // 16 → 16 channels: too few output channels for the window product
    const names = await convGradKernelNames([4, 9, 9, 16], [1, 7, 16, 16], attrs([0, 0, 3, 3]));
    expect(names.filter((n) => n === 'Conv2D')).toEqual([]);
    expect(names.filter((n) => n === 'NnkitConv2D').length).toBe(4);
  });

  it('gives a sample the same output, bit for bit, alone or in a batch of more tiles than one chunk holds', () => {
    // 3 · 130 · 65 tiles of 10 · 64 values: more than WINOGRAD_MAX_VALUES
    expect(3 * 130 * 65 * 10 * 64).toBeGreaterThan(WINOGRAD_MAX_VALUES);
    expectBatchIndependent([3, 130, 130, 64], [1, 7, 64, 64], attrs([0, 0, 3, 3]), [0, 2]);
  });
});
