import { ArgumentError, conv2d, initBackend } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import { randomNormal, reshape, sqrt, square, sum, tidy } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CausalConv1d, Conv1d, Conv2d, Conv2dWithConstraint } from './conv.js';

beforeAll(async () => {
  await initBackend();
});

describe('Conv layers: padding resolved once, asConvolution()', () => {
  it("resolves 'same' at construction, PyTorch's split (odd extra after)", () => {
    expect(new Conv2d(1, 8, [1, 32], { padding: 'same' }).resolvedPadding).toEqual([
      [0, 0],
      [15, 16],
    ]);
    expect(new Conv1d(2, 2, 4, { padding: 'same', dilation: 3 }).resolvedPadding).toEqual([[4, 5]]);
    expect(new Conv2d(2, 2, 3, { padding: [1, 2] }).resolvedPadding).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(new CausalConv1d(2, 2, 3, { dilation: 2 }).resolvedPadding).toEqual([[4, 0]]);
  });

  it("raises at construction for 'same' with a stride", () => {
    expect(() => new Conv2d(1, 2, 3, { padding: 'same', stride: 2 })).toThrow(/same/);
  });

  it('describes forward as data: F.conv2d with the spec equals the layer', () => {
    const conv = new Conv2d(4, 6, [3, 2], { padding: 'same', groups: 2, dilation: [2, 1] });
    const spec = conv.asConvolution()!;
    tidy(() => {
      const x = randomNormal([2, 4, 7, 9]);
      const y = conv2d(x, spec.weight, spec.bias, { padding: spec.padding, stride: spec.stride, dilation: spec.dilation, groups: spec.groups });
      assertClose(y, conv.call(x), { atol: 1e-6 });
    });
    conv.dispose();
  });

  it("is null for a non-'zeros' paddingMode with padding, and while a hook observes forward", () => {
    expect(new Conv2d(1, 2, [1, 5], { padding: 'same', paddingMode: 'reflect' }).asConvolution()).toBeNull();
    expect(new Conv2d(1, 2, [1, 5], { padding: 0, paddingMode: 'reflect' }).asConvolution()).not.toBeNull();
    const conv = new Conv2d(1, 2, 3);
    const h = conv.registerForwardHook(() => undefined);
    expect(conv.asConvolution()).toBeNull();
    h.remove();
    expect(conv.asConvolution()).not.toBeNull();
  });

  it('applies the max-norm constraint first, as forward does', () => {
    const conv = new Conv2dWithConstraint(2, 4, [3, 1], { groups: 2, bias: false, maxNorm: 0.1 });
    const w = conv.asConvolution()!.weight;
    const norms = tidy(() => sqrt(sum(square(reshape(w, [4, -1])), 1)).arraySync() as number[]);
    for (const n of norms) expect(n).toBeLessThanOrEqual(0.1 + 1e-6);
  });

  it('rejects malformed explicit padding pairs in the ops', () => {
    expect(() => tidy(() => conv2d(randomNormal([1, 1, 4, 4]), randomNormal([1, 1, 2, 2]), null, { padding: [[1, -1]] }))).toThrow(ArgumentError);
  });
});
