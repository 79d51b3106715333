import { ones, zeros } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { itThrowsEach, type ThrowCase } from '@nnkit/tooling-testing';
import { initBackend } from '../backend.js';
import { ArgumentError, DTypeError, FormatError, NnkitError, NotSupportedError, ShapeError, StateError, StorageError } from './errors.js';
import { bmm, dropout, flatten, gelu, linear, manualSeed, padNd, permute, setRngState, softmax } from '../ops/basic/index.js';
import { adaptiveAvgPool2d, conv1d, conv2d, maxPool2d, renorm } from '../ops/conv/index.js';
import { gradCheck } from '../grad-check/index.js';


/** One user-facing condition per row: what is called, the nnkit class it must throw, and a piece of the message. */
const cases: ThrowCase[] = [
  ['bmm on 2-D operands', () => bmm(zeros([2, 2]), zeros([2, 2, 2])), ShapeError, /^bmm: expected operands of shape/],
  ['bmm with mismatched inner sizes', () => bmm(zeros([3, 2, 4]), zeros([3, 2, 4])), ShapeError, /got \[3, 2, 4\] x \[3, 2, 4\]/],
  ['linear with a mis-shaped bias', () => linear(zeros([2, 5]), zeros([4, 5]), zeros([3])), ShapeError, /^linear: expected bias of shape \[4\], got \[3\]/],
  ['conv2d with a channel mismatch', () => conv2d(zeros([1, 3, 5, 5]), ones([4, 2, 3, 3])), ShapeError, /^conv2d: expected input of shape/],
  ['conv2d on a rank-3 input', () => conv2d(zeros([3, 5, 5]), ones([4, 3, 3, 3])), ShapeError, /rank 4/],
  ['conv1d with a kernel larger than the input', () => conv1d(zeros([1, 3, 5]), ones([4, 3, 7])), ShapeError, /at least the kernel 7/],
  ['conv2d with groups = 0', () => conv2d(zeros([1, 4, 5, 5]), ones([4, 2, 3, 3]), null, { groups: 0 }), ArgumentError, /groups must be a positive integer/],
  ["conv1d with padding 'same' and stride 2", () => conv1d(zeros([1, 3, 5]), ones([4, 3, 2]), null, { stride: 2, padding: 'same' }), ArgumentError, /padding='same'/],
  ['maxPool2d on a rank-3 input', () => maxPool2d(zeros([1, 4, 4]), 2), ShapeError, /expected input of shape rank 4/],
  ['adaptiveAvgPool2d on a rank-3 input', () => adaptiveAvgPool2d(zeros([1, 4, 4]), 2), ShapeError, /rank 4/],
  ['softmax over a dim out of range', () => softmax(zeros([2, 3]), 2), ArgumentError, /^softmax: dimension out of range/],
  ['permute with a repeated dim', () => permute(zeros([2, 3, 4]), [0, 1, 1]), ArgumentError, /^permute: repeated dim/],
  ['flatten with startDim after endDim', () => flatten(zeros([2, 3, 4]), 2, 1), ArgumentError, /^flatten: startDim/],
  ['dropout with p > 1', () => dropout(zeros([2, 2]), 1.5), ArgumentError, /between 0 and 1/],
  ['gelu with an unknown approximation', () => gelu(zeros([2]), 'erf' as never), ArgumentError, /'none' or 'tanh'/],
  ['padNd with negative pads', () => padNd(zeros([2, 3]), [-1, 0]), ArgumentError, /^padNd: pads must be non-negative integers/],
  ['renorm with p <= 0', () => renorm(ones([2, 3]), 0, 0, 1), ArgumentError, /^renorm: p must be > 0/],
  ['manualSeed with a fraction', () => manualSeed(1.5), ArgumentError, /^manualSeed: seed must be a finite integer/],
  ['setRngState with a foreign state', () => setRngState({ algorithm: 'mt' } as never), ArgumentError, /getRngState/],
  ['gradCheck without inputs', () => gradCheck(() => zeros([1]), []), ArgumentError, /^gradCheck: inputs must contain at least one tensor/],
];

describe('tensor ops throw the nnkit hierarchy', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  itThrowsEach(cases, { base: NnkitError, noLeaks: true });

  it('every class in the hierarchy is an NnkitError with a stable code', () => {
    const all = [
      new ShapeError('f', '[2]', [3]),
      new DTypeError('f', 'float32', 'int32'),
      new ArgumentError('f', 'bad'),
      new StateError('f', 'disposed'),
      new FormatError('json', 'a.json', 'bad'),
      new StorageError('a.json', 'cannot read'),
      new NotSupportedError('f', 'missing'),
    ];
    expect(all.every((e) => e instanceof NnkitError)).toBe(true);
    expect(new Set(all.map((e) => e.code)).size).toBe(all.length);
  });
});
