import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { initBackend, type BackendName } from '../../backend.js';
import { checkCase, normal, uniform, type GradCase } from './__fixtures__/cases.js';

const reductionCases: GradCase[] = [
  { name: 'Sum (all)', fn: (x) => tf.sum(x!), inputs: () => [normal([2, 3, 4])] },
  { name: 'Sum (axis 1)', fn: (x) => tf.sum(x!, 1), inputs: () => [normal([2, 3, 4])] },
  { name: 'Sum ([0, 2], keepDims)', fn: (x) => tf.sum(x!, [0, 2], true), inputs: () => [normal([2, 3, 4])] },
  { name: 'Sum (axis -1)', fn: (x) => tf.sum(x!, -1), inputs: () => [normal([2, 3, 4])] },
  { name: 'Mean (all)', fn: (x) => tf.mean(x!), inputs: () => [normal([2, 3, 4])] },
  { name: 'Mean ([0, 2])', fn: (x) => tf.mean(x!, [0, 2]), inputs: () => [normal([2, 3, 4])] },
  { name: 'Mean (axis 1, keepDims)', fn: (x) => tf.mean(x!, 1, true), inputs: () => [normal([2, 3, 4])] },
  { name: 'Max (axis 1, keepDims)', fn: (x) => tf.max(x!, 1, true), inputs: () => [normal([2, 3, 4])] },
  { name: 'Max (all)', fn: (x) => tf.max(x!), inputs: () => [normal([2, 3])] },
  { name: 'Min ([0, 2])', fn: (x) => tf.min(x!, [0, 2]), inputs: () => [normal([2, 3, 4])] },
  { name: 'Prod (axis 1)', fn: (x) => tf.prod(x!, 1), inputs: () => [normal([2, 3, 4])] },
  { name: 'Prod ([0, 2], keepDims)', fn: (x) => tf.prod(x!, [0, 2], true), inputs: () => [normal([2, 3, 2])] },
  { name: 'Prod (with a zero)', fn: (x) => tf.prod(x!, 1), inputs: () => [tf.tensor2d([[1.5, 0, -2], [0.5, 0.7, 1.2]])] },
  { name: 'Cumsum', fn: (x) => tf.cumsum(x!, 1), inputs: () => [normal([2, 4, 3])] },
  { name: 'Cumsum (exclusive, reverse)', fn: (x) => tf.cumsum(x!, 2, true, true), inputs: () => [normal([2, 3, 4])] },
  { name: 'Cumsum (reverse)', fn: (x) => tf.cumsum(x!, 0, false, true), inputs: () => [normal([4, 3])] },
];

const shapeCases: GradCase[] = [
  { name: 'Reshape', fn: (x) => tf.mul(tf.reshape(x!, [3, 4]), tf.reshape(tf.range(0, 12), [3, 4])), inputs: () => [normal([2, 6])] },
  { name: 'ExpandDims/Squeeze', fn: (x) => tf.squeeze(tf.expandDims(x!, 1)), inputs: () => [normal([2, 3])] },
  { name: 'Transpose', fn: (x) => tf.transpose(x!, [2, 0, 1]), inputs: () => [normal([2, 3, 4])] },
  { name: 'Concat (axis 1, 3 inputs)', fn: (a, b, c) => tf.concat([a!, b!, c!], 1), inputs: () => [normal([2, 1, 2]), normal([2, 3, 2]), normal([2, 2, 2])] },
  { name: 'Concat (axis -1)', fn: (a, b) => tf.concat([a!, b!], -1), inputs: () => [normal([2, 2]), normal([2, 3])] },
  { name: 'Pack (axis 1)', fn: (a, b) => tf.stack([a!, b!], 1), inputs: () => [normal([2, 3]), normal([2, 3])] },
  { name: 'Pack (axis -1)', fn: (a, b, c) => tf.stack([a!, b!, c!], -1), inputs: () => [normal([2, 3]), normal([2, 3]), normal([2, 3])] },
  {
    name: 'Unpack (some outputs unused)',
    fn: (x) => {
      const parts = tf.unstack(x!, 1);
      return tf.add(tf.mul(parts[0]!, 2), parts[2]!);
    },
    inputs: () => [normal([2, 3, 2])],
  },
  { name: 'SplitV (one output used)', fn: (x) => tf.split(x!, [1, 2, 1], -1)[1]!, inputs: () => [normal([2, 4])] },
  { name: 'SplitV (all)', fn: (x) => tf.concat([...tf.split(x!, 2, 0)].reverse(), 1), inputs: () => [normal([4, 3])] },
  { name: 'Tile', fn: (x) => tf.tile(x!, [2, 1, 3]), inputs: () => [normal([2, 3, 2])] },
  { name: 'Reverse', fn: (x) => tf.reverse(x!, [0, 2]), inputs: () => [normal([2, 3, 2])] },
  { name: 'BroadcastTo', fn: (x) => tf.broadcastTo(x!, [2, 3, 4]), inputs: () => [normal([3, 1])] },
];

const indexingCases: GradCase[] = [
  { name: 'Slice', fn: (x) => tf.slice(x!, [1, 0, 1], [1, -1, 2]), inputs: () => [normal([3, 2, 4])] },
  { name: 'StridedSlice (stride 2)', fn: (x) => tf.stridedSlice(x!, [0, 1], [5, 4], [2, 2]), inputs: () => [normal([5, 4])] },
  { name: 'StridedSlice (negative stride)', fn: (x) => tf.stridedSlice(x!, [4, 3], [0, 0], [-2, -1]), inputs: () => [normal([5, 4])] },
  { name: 'StridedSlice (masks)', fn: (x) => tf.stridedSlice(x!, [1, 0, 0], [0, 3, 0], [1, 2, 1], 0b110, 0b101), inputs: () => [normal([3, 4, 2])] },
  { name: 'StridedSlice (shrink)', fn: (x) => tf.stridedSlice(x!, [1, 1, 0], [2, 3, 2], [1, 1, 1], 0, 0, 0, 0, 0b001), inputs: () => [normal([3, 4, 2])] },
  { name: 'StridedSlice (new axis, ellipsis)', fn: (x) => tf.stridedSlice(x!, [0, 0, 1], [0, 0, 3], [1, 1, 1], 0, 0, 0b010, 0b001), inputs: () => [normal([2, 3, 4])] },
  { name: 'PadV2', fn: (x) => tf.pad(x!, [[1, 0], [2, 3]], 0.5), inputs: () => [normal([2, 3])] },
  { name: 'MirrorPad (reflect)', fn: (x) => tf.mirrorPad(x!, [[1, 2], [0, 2]], 'reflect'), inputs: () => [normal([3, 4])] },
  { name: 'MirrorPad (symmetric)', fn: (x) => tf.mirrorPad(x!, [[2, 1], [1, 0], [0, 0]], 'symmetric'), inputs: () => [normal([3, 2, 2])] },
  { name: 'Select', fn: (a, b) => tf.where(tf.tensor2d([[true, false, true], [false, false, true]]), a!, b!), inputs: () => [normal([2, 3]), normal([2, 3])] },
  { name: 'GatherV2 (axis 0, duplicates)', fn: (x) => tf.gather(x!, tf.tensor1d([2, 0, 2, 2], 'int32')), inputs: () => [normal([3, 4])] },
  { name: 'GatherV2 (axis 1, 2-D indices)', fn: (x) => tf.gather(x!, tf.tensor2d([[1, 1], [0, 3]], [2, 2], 'int32'), 1), inputs: () => [normal([2, 4, 3])] },
  { name: 'OneHot (zero)', fn: (x) => tf.mul(tf.sum(tf.oneHot(tf.tensor1d([1, 0], 'int32'), 3)), x!), inputs: () => [normal([2])] },
];

const nnCases: GradCase[] = [
  { name: 'BatchMatMul', fn: (a, b) => tf.matMul(a!, b!), inputs: () => [normal([3, 4]), normal([4, 2])] },
  { name: 'BatchMatMul (transposeA)', fn: (a, b) => tf.matMul(a!, b!, true, false), inputs: () => [normal([4, 3]), normal([4, 2])] },
  { name: 'BatchMatMul (transposeB)', fn: (a, b) => tf.matMul(a!, b!, false, true), inputs: () => [normal([3, 4]), normal([2, 4])] },
  { name: 'BatchMatMul (both)', fn: (a, b) => tf.matMul(a!, b!, true, true), inputs: () => [normal([4, 3]), normal([2, 4])] },
  { name: 'BatchMatMul (batched)', fn: (a, b) => tf.matMul(a!, b!), inputs: () => [normal([2, 3, 4]), normal([2, 4, 2])] },
  { name: 'BatchMatMul (broadcast rank)', fn: (a, b) => tf.matMul(a!, b!), inputs: () => [normal([2, 3, 4]), normal([4, 2])] },
  { name: 'BatchMatMul (broadcast batch 1)', fn: (a, b) => tf.matMul(a!, b!, false, true), inputs: () => [normal([1, 3, 4]), normal([2, 2, 4])] },
  {
    name: 'FusedBatchNorm',
    fn: (x, m, v, o, s) => tf.batchNorm(x!, m!, v!, o!, s!, 1e-3),
    inputs: () => [normal([2, 3, 3]), normal([3]), uniform([3], 0.5, 1.5), normal([3]), normal([3])],
  },
  { name: 'AvgPool (same, stride 2)', fn: (x) => tf.avgPool(x! as tf.Tensor4D, 2, 2, 'same'), inputs: () => [normal([1, 5, 4, 2])] },
  { name: 'AvgPool (same, 3×3, stride 1: the box-filter gradient)', fn: (x) => tf.avgPool(x! as tf.Tensor4D, 3, 1, 'same'), inputs: () => [normal([2, 5, 6, 3])] },
  { name: 'AvgPool (valid, [2, 3], stride 1)', fn: (x) => tf.avgPool(x! as tf.Tensor4D, [2, 3], 1, 'valid'), inputs: () => [normal([1, 4, 5, 2])] },
  { name: 'MaxPool (valid, stride 2)', fn: (x) => tf.maxPool(x! as tf.Tensor4D, 2, 2, 'valid'), inputs: () => [normal([1, 4, 4, 2])] },
  { name: 'ResizeBilinear', fn: (x) => tf.image.resizeBilinear(x! as tf.Tensor4D, [5, 3]), inputs: () => [normal([1, 3, 2, 2])] },
  { name: 'ResizeNearestNeighbor', fn: (x) => tf.image.resizeNearestNeighbor(x! as tf.Tensor4D, [4, 6]), inputs: () => [normal([1, 2, 3, 1])] },
  { name: 'Conv2D (stride 2, same)', fn: (x, f) => tf.conv2d(x! as tf.Tensor4D, f! as tf.Tensor4D, 2, 'same'), inputs: () => [normal([1, 5, 5, 2]), normal([3, 3, 2, 3])] },
  { name: 'Conv2D (dilation 2, valid)', fn: (x, f) => tf.conv2d(x! as tf.Tensor4D, f! as tf.Tensor4D, 1, 'valid', 'NHWC', 2), inputs: () => [normal([2, 5, 6, 1]), normal([2, 2, 1, 2])] },
  { name: 'DepthwiseConv2dNative', fn: (x, f) => tf.depthwiseConv2d(x! as tf.Tensor4D, f! as tf.Tensor4D, 1, 'same'), inputs: () => [normal([1, 4, 4, 2]), normal([3, 3, 2, 2])] },
];

describe.each(['wasm', 'cpu'] as BackendName[])('structural gradients vs finite differences (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });
  it.each([...reductionCases, ...shapeCases, ...indexingCases, ...nnCases].map((c) => [c.name, c] as const))('%s', (_n, c) => checkCase(c));
});
