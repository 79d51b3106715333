import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { checkRowsConv, rowsConvArb, type RowsConvCase } from '../../test-utils/rows-conv.js';
import { convGradStrategy } from '../gradients/NnkitConv2D-grad.js';
import { hasSimdDepthwise } from './depthwise-rows.js';

const cases: RowsConvCase[] = [
  { name: "EEG-TCNet's temporal filter (32 taps, 'same')", B: 3, H: 1, W: 70, O: 16, K: 32, d: 1, pL: 15, pR: 16 },
  { name: 'separable 1 × 16, odd width', B: 2, H: 1, W: 37, O: 8, K: 16, d: 1, pL: 7, pR: 8 },
  { name: 'dilated causal (TCN), left padding only', B: 2, H: 1, W: 29, O: 12, K: 4, d: 3, pL: 9, pR: 0 },
  { name: 'several rows, no padding, 4 channels', B: 1, H: 3, W: 11, O: 4, K: 5, d: 1, pL: 0, pR: 0 },
  { name: 'kernel wider than the input (padding does the rest)', B: 2, H: 1, W: 6, O: 4, K: 9, d: 1, pL: 8, pR: 8 },
  { name: 'one tap', B: 2, H: 2, W: 9, O: 8, K: 1, d: 1, pL: 0, pR: 0 },
  { name: 'right padding only, dilation 2', B: 1, H: 1, W: 17, O: 4, K: 6, d: 2, pL: 0, pR: 10 },
  { name: 'output of one column', B: 2, H: 1, W: 7, O: 4, K: 7, d: 1, pL: 0, pR: 0 },
];

describe('depthwise-rows wasm SIMD kernels', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('is in use for a positive multiple of 4 channels only', () => {
    expect([4, 16, 6, 0].map(hasSimdDepthwise)).toEqual([true, true, false, false]);
  });

  it('takes the SIMD filter gradient for one-row depthwise kernels, not for multipliers or strides', () => {
    const a = { strides: [1, 1] as [number, number], dilations: [1, 1] as [number, number], pad: [0, 0, 15, 16] as [number, number, number, number], depthwise: true };
    expect(convGradStrategy([8, 1, 100, 16], [1, 32, 16, 1], [8, 1, 100, 16], a).filter).toBe('simd-depthwise-rows');
    expect(convGradStrategy([8, 1, 100, 16], [1, 32, 16, 2], [8, 1, 100, 32], a).filter).not.toBe('simd-depthwise-rows');
    expect(convGradStrategy([8, 1, 100, 16], [1, 32, 16, 1], [8, 1, 50, 16], { ...a, strides: [1, 2] }).filter).not.toBe('simd-depthwise-rows');
    expect(convGradStrategy([8, 1, 100, 6], [1, 32, 6, 1], [8, 1, 100, 6], a).filter).not.toBe('simd-depthwise-rows');
  });

  it.each(cases)('matches float64 values and gradients: $name', (c) => {
    checkRowsConv(c, 'depthwise', 7);
  });

  it('matches float64 values and gradients on random shapes, paddings and dilations (property)', () => {
    fc.assert(
      fc.property(rowsConvArb(4), (r) => checkRowsConv(r, 'depthwise', r.seed)),
      { numRuns: 60 },
    );
  });
});
