import { memory, randomNormal, tidy } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { gradCheck, type GradCheckReport } from '../../grad-check/grad-check.js';
import { conv2d } from '../../ops/conv/conv.js';
import { resolveConvPadding } from '../../ops/conv/conv-args.js';
import { convGradStrategy, type ConvFilterGradStrategy, type ConvInputGradStrategy } from './NnkitConv2D-grad.js';

/** One NCHW conv2d call and the strategies its gradient is meant to take. */
interface Case {
  name: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  groups: number;
  padding: 'same' | number;
  stride?: number;
  input: ConvInputGradStrategy;
  filter: ConvFilterGradStrategy;
  /** The strategies on wasm with SIMD, where they differ. */
  wasm?: { input: ConvInputGradStrategy; filter: ConvFilterGradStrategy };
}

const cases: Case[] = [
  { name: 'EEGNet spatial filter (C, 1) over all rows', x: [2, 3, 5, 7], w: [6, 1, 5, 1], groups: 3, padding: 0, input: 'depthwise-broadcast', filter: 'generic' },
  { name: 'plain spatial filter over the electrodes, batch 16 (one output row, one-column kernel)', x: [16, 1, 3, 30], w: [4, 1, 3, 1], groups: 1, padding: 0, input: 'generic', filter: 'im2col', wasm: { input: 'simd-col2im', filter: 'simd-im2col' } },
  { name: 'depthwise 1 × 16 (run zero-extended to 25 taps)', x: [2, 3, 1, 40], w: [3, 1, 1, 16], groups: 3, padding: 'same', input: 'generic', filter: 'chunked-depthwise-filter' },
  { name: 'long temporal depthwise filter, 4,096 chunk channels (two groups)', x: [16, 8, 1, 800], w: [8, 1, 1, 5], groups: 8, padding: 'same', input: 'generic', filter: 'chunked-depthwise-filter', wasm: { input: 'generic', filter: 'simd-depthwise-rows' } },
  { name: 'long one-row depthwise [1, 5] (temporal filter)', x: [2, 2, 1, 40], w: [2, 1, 1, 5], groups: 2, padding: 'same', input: 'generic', filter: 'chunked-depthwise-filter' },
  { name: 'spatial filter over a long row: both fast paths', x: [1, 2, 3, 30], w: [4, 1, 3, 1], groups: 2, padding: 0, input: 'depthwise-broadcast', filter: 'chunked-depthwise-filter' },
  { name: 'plain, few channels, small batch', x: [2, 3, 4, 6], w: [4, 3, 2, 3], groups: 1, padding: 1, input: 'generic', filter: 'im2col', wasm: { input: 'simd-col2im', filter: 'simd-im2col' } },
  { name: 'few windows, many output channels (Inception 8 × 8 at b1)', x: [1, 8, 4, 4], w: [32, 8, 3, 3], groups: 1, padding: 1, input: 'generic', filter: 'im2col', wasm: { input: 'simd-col2im', filter: 'simd-im2col' } },
  { name: 'plain, stride 2, 8 channels (Inception reduction)', x: [1, 8, 7, 6], w: [3, 8, 3, 3], groups: 1, padding: 0, stride: 2, input: 'col2im', filter: 'im2col', wasm: { input: 'simd-col2im', filter: 'simd-im2col' } },
  { name: 'plain, 8 channels, batch 16', x: [16, 8, 3, 3], w: [2, 8, 2, 2], groups: 1, padding: 0, input: 'generic', filter: 'generic' },
  { name: 'LeNet conv1 shape: one channel, batch 16, 5 × 5', x: [16, 1, 9, 8], w: [3, 1, 5, 5], groups: 1, padding: 0, input: 'generic', filter: 'generic', wasm: { input: 'simd-col2im', filter: 'simd-im2col' } },
  { name: 'LeNet conv2 shape: 6 channels, batch 16, odd sizes', x: [16, 6, 7, 5], w: [5, 6, 3, 2], groups: 1, padding: 0, input: 'generic', filter: 'generic', wasm: { input: 'simd-col2im', filter: 'generic' } },
  { name: 'image stem: 3 channels, batch 16, stride 2, padding 1', x: [16, 3, 7, 6], w: [4, 3, 3, 3], groups: 1, padding: 1, stride: 2, input: 'generic', filter: 'generic', wasm: { input: 'simd-col2im', filter: 'simd-im2col' } },
  { name: 'plain, 64 input channels (the input gradient on the pack-free product)', x: [1, 64, 5, 4], w: [8, 64, 3, 3], groups: 1, padding: 1, input: 'generic', filter: 'im2col', wasm: { input: 'generic', filter: 'simd-im2col' } },
  { name: 'plain, 8 channels, batch 2', x: [2, 8, 5, 4], w: [3, 8, 2, 3], groups: 1, padding: 1, input: 'generic', filter: 'im2col', wasm: { input: 'generic', filter: 'simd-im2col' } },
  { name: 'depthwise with several output rows', x: [2, 2, 4, 30], w: [2, 1, 2, 3], groups: 2, padding: 0, input: 'generic', filter: 'generic' },
];

/** The NHWC shapes and kernel attributes `conv2d` hands to `NnkitConv2D` for a case. */
function kernelShapes(c: Case) {
  const [B, Cin, H, W] = c.x;
  const [Cout, , kH, kW] = c.w;
  const s = c.stride ?? 1;
  const [[t, b], [l, r]] = resolveConvPadding(c.padding, [kH, kW], [1, 1], [s, s], 'test') as [[number, number], [number, number]];
  const Ho = Math.floor((H + t + b - kH) / s) + 1;
  const Wo = Math.floor((W + l + r - kW) / s) + 1;
  const depthwise = c.groups !== 1;
  const filter = depthwise ? [kH, kW, Cin, Cout / Cin] : [kH, kW, Cin, Cout];
  const attrs = { strides: [s, s] as [number, number], dilations: [1, 1] as [number, number], pad: [t, b, l, r] as [number, number, number, number], depthwise };
  return { x: [B, H, W, Cin], filter, dy: [B, Ho, Wo, Cout], attrs };
}

describe('NnkitConv2D gradient strategies', () => {
  it.each(cases)('chooses input $input, filter $filter for: $name', (c) => {
    const k = kernelShapes(c);
    expect(convGradStrategy(k.x, k.filter, k.dy, k.attrs)).toEqual({ input: c.input, filter: c.filter });
  });

  describe('wasm with SIMD', () => {
    beforeAll(async () => {
      await initBackend('wasm');
    });

    it.each(cases)('chooses the SIMD window kernels where they are faster: $name', (c) => {
      const k = kernelShapes(c);
      expect(convGradStrategy(k.x, k.filter, k.dy, k.attrs)).toEqual(c.wasm ?? { input: c.input, filter: c.filter });
    });
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    describe(backend, () => {
      beforeAll(async () => {
        await initBackend(backend);
      });

      it.each(cases)('matches finite differences (input and weight): $name', (c) => {
        const before = memory().numTensors;
        let report: GradCheckReport | undefined;
        tidy(() => {
          const x = randomNormal(c.x, 0, 1, 'float32', 1);
          const w = randomNormal(c.w, 0, 1, 'float32', 2);
          report = gradCheck((xx, ww) => conv2d(xx, ww, null, { groups: c.groups, padding: c.padding, stride: c.stride ?? 1 }), [x, w], { maxElements: 48 });
        });
        expect(report?.ok, JSON.stringify(report?.worst)).toBe(true);
        expect(memory().numTensors).toBe(before);
      });
    });
  }
});
