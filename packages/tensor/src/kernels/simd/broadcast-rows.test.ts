import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { checkRowsConv, rowsConvArb, type RowsConvCase } from '../../test-utils/rows-conv.js';
import { convGradStrategy } from '../gradients/NnkitConv2D-grad.js';

const cases: RowsConvCase[] = [
  { name: "EEGNet's temporal conv, Conv2d(1, 8, (1, 32), 'same')", B: 2, H: 3, W: 70, O: 8, K: 32, d: 1, pL: 15, pR: 16 },
  { name: 'odd width, 4 outputs, no padding', B: 1, H: 1, W: 37, O: 4, K: 5, d: 1, pL: 0, pR: 0 },
  { name: 'dilated, left padding only, 12 outputs', B: 2, H: 2, W: 29, O: 12, K: 4, d: 3, pL: 9, pR: 0 },
  { name: 'kernel wider than the input', B: 2, H: 1, W: 6, O: 4, K: 9, d: 1, pL: 8, pR: 8 },
];

describe('broadcast-rows wasm SIMD kernels (one input channel, plain 1 × K)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('take both gradients of Conv2d(1, F, (1, K)) with F a multiple of 4, not of 2 input channels or 6 outputs', () => {
    const a = { strides: [1, 1] as [number, number], dilations: [1, 1] as [number, number], pad: [0, 0, 15, 16] as [number, number, number, number], depthwise: false };
    expect(convGradStrategy([8, 22, 100, 1], [1, 32, 1, 8], [8, 22, 100, 8], a)).toEqual({ input: 'simd-broadcast-rows', filter: 'simd-broadcast-rows' });
    expect(convGradStrategy([8, 22, 100, 2], [1, 32, 2, 8], [8, 22, 100, 8], a).input).not.toBe('simd-broadcast-rows');
    expect(convGradStrategy([8, 22, 100, 2], [1, 32, 2, 8], [8, 22, 100, 8], a).filter).not.toBe('simd-broadcast-rows');
    expect(convGradStrategy([8, 22, 100, 1], [1, 32, 1, 6], [8, 22, 100, 6], a).input).not.toBe('simd-broadcast-rows');
    expect(convGradStrategy([8, 22, 100, 1], [1, 32, 1, 6], [8, 22, 100, 6], a).filter).not.toBe('simd-broadcast-rows');
  });

  it.each(cases)('match float64 values and gradients: $name', (c) => {
    checkRowsConv(c, 'broadcast', 5);
  });

  it('match float64 values and gradients on random shapes, paddings and dilations (property)', () => {
    fc.assert(
      fc.property(rowsConvArb(3), (r) => checkRowsConv(r, 'broadcast', r.seed)),
      { numRuns: 50 },
    );
  });
});
