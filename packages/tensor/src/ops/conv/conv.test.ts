import { memory, ones, randomNormal, zeros, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { causalConv1d, causalConv2d, conv1d, conv2d, type ConvOptions } from './conv.js';
import { opFixtureParity } from '../../test-utils/conv-parity.js';
import { assertGradClose } from '../../grad-check/index.js';

function runConv(op: string, x: Tensor, p: Tensor[], o: Record<string, unknown>): Tensor {
  const fn = { conv1d, conv2d, causalConv1d, causalConv2d }[op];
  if (!fn) throw new Error(`unknown op ${op}`);
  return fn(x, p[0]!, p[1] ?? null, o as ConvOptions);
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`conv parity vs PyTorch (${backend})`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });

    opFixtureParity(import.meta.url, 'conv1d_ops', 'conv1d / causalConv1d: forward, input and weight gradients', (c, x, p, o) => runConv(c.op, x, p, o));

    opFixtureParity(import.meta.url, 'conv2d_ops', 'conv2d / causalConv2d incl. depthwise, groups, dilation, same', (c, x, p, o) => runConv(c.op, x, p, o));

    // One output row (EEGNet's spatial filter (C, 1) over all electrodes): the input gradient
    // takes a broadcast-product path; check it numerically incl. padding, stride and M = 1.
    it.each([
      { name: 'full height, M=2', x: [2, 3, 5, 4], w: [6, 1, 5, 1], o: { groups: 3 } },
      { name: 'padded rows, M=1', x: [2, 2, 4, 3], w: [2, 1, 6, 1], o: { groups: 2, padding: [1, 0] } },
      { name: 'kernel shorter than H, stride 3', x: [1, 2, 5, 3], w: [4, 1, 3, 1], o: { groups: 2, stride: [3, 1] } },
      { name: 'asymmetric padding', x: [1, 2, 3, 4], w: [2, 1, 5, 1], o: { groups: 2, padding: [1, 0] } },
      // dy rows longer than 25: the filter gradient cuts them into 25-sample chunks
      { name: 'long row (chunked filter gradient)', x: [2, 2, 3, 61], w: [4, 1, 3, 1], o: { groups: 2 } },
      { name: 'long row, [1, K] kernel, dilation', x: [2, 2, 1, 70], w: [4, 1, 1, 9], o: { groups: 2, dilation: [1, 4], padding: [0, 3] } },
      { name: 'long row, kernel longer than a chunk', x: [1, 3, 1, 90], w: [3, 1, 1, 33], o: { groups: 3, padding: 'same' } },
    ])('one-output-row depthwise gradients: $name', ({ x, w, o }) => {
      assertGradClose((a, b) => conv2d(a!, b!, null, o as ConvOptions), [randomNormal(x), randomNormal(w)], { maxElements: 64 });
    });
  });
}

describe('conv errors and memory', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('does not leak', () => {
    const x = randomNormal([2, 4, 9, 9]);
    const w = randomNormal([8, 1, 3, 3]);
    const before = memory().numTensors;
    conv2d(x, w, null, { groups: 4, padding: 'same', dilation: 2 }).dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('rejects bad shapes with clear messages', () => {
    expect(() => conv2d(zeros([1, 3, 5, 5]), ones([4, 2, 3, 3]))).toThrow(/3 channels.*expects 2/);
    expect(() => conv1d(zeros([1, 3, 5]), ones([4, 3, 7]))).toThrow(/larger than the padded input/);
    expect(() => conv1d(zeros([1, 3, 5]), ones([4, 3, 2]), null, { stride: 2, padding: 'same' })).toThrow(/same/);
    expect(() => conv2d(zeros([3, 5, 5]), ones([4, 3, 3, 3]))).toThrow(/rank 4/);
  });
});
