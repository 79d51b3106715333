import { ArgumentError, initBackend, NnkitError, NotSupportedError, ShapeError } from '@nnkit/tensor';
import { memory, ones, scalar, tidy, zeros, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { itThrowsEach, type ThrowCase } from '@nnkit/tooling-testing';
import { backward, grad } from './autograd/index.js';
import { ModuleDict, ModuleList, Sequential } from './containers/index.js';
import * as init from './init/index.js';
import { BatchNorm2d, Dropout, LayerNorm, Linear } from './layers/basic/index.js';
import { Conv2d } from './layers/conv/index.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';


class Holder extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** One user-facing condition per row: what is called, the nnkit class it must throw, and a piece of the message. */
const cases: ThrowCase[] = [
  ['Conv2d with channels not divisible by groups', () => new Conv2d(3, 8, 3, { groups: 2 }), ArgumentError, /must be divisible by groups 2/],
  ["Conv2d with padding 'same' and stride 2", () => new Conv2d(1, 2, 3, { padding: 'same', stride: 2, paddingMode: 'reflect' }), ArgumentError, /padding='same' is not supported for strided convolutions/],
  ['BatchNorm2d with zero features', () => new BatchNorm2d(0), ArgumentError, /numFeatures must be a positive integer/],
  ['Dropout with p > 1', () => new Dropout(2), ArgumentError, /between 0 and 1/],
  ['LayerNorm with a zero size', () => new LayerNorm([0]), ArgumentError, /^LayerNorm: normalizedShape/],
  ['Linear with a fractional size', () => new Linear(1.5, 2), ArgumentError, /must be a non-negative integer/],
  ['Sequential of a non-module', () => new Sequential(new Holder(), 5 as never), ArgumentError, /^Sequential: argument 1 is not a Module/],
  ['ModuleList index out of range', () => new ModuleList([new Holder()]).at(3), ArgumentError, /index 3 is out of range/],
  ['ModuleDict forward', () => new ModuleDict({ a: new Holder() }).forward(), NotSupportedError, /ModuleDict has no forward/],
  ['registerModule with a dotted name', () => new Holder().registerModule('a.b', new Holder()), ArgumentError, /invalid name 'a\.b'/],
  ['Parameter.assign of another shape', () => new Parameter(zeros([2, 3])).assign(zeros([3, 2])), ShapeError, /^Parameter\.assign: expected value of shape \[2, 3\], got \[3, 2\]/],
  ['init.calculateFanInAndFanOut on a vector', () => init.calculateFanInAndFanOut([5]), ShapeError, /at least 2 dimensions/],
  ['init.uniform_ with a > b', () => init.uniform_(new Parameter(zeros([2])), 1, 0), ArgumentError, /^uniform_: expected a <= b/],
  ['init.calculateGain of an unknown nonlinearity', () => init.calculateGain('swish' as never), ArgumentError, /unsupported nonlinearity 'swish'/],
  ['grad without inputs', () => grad(() => scalar(1), []), ArgumentError, /^grad: inputs must contain at least one tensor/],
  ['grad of a non-scalar output', () => grad((x) => x, [ones([2])]), ShapeError, /^grad: expected output of shape \[\]/],
  ['backward of a non-scalar loss', () => backward(() => ones([2]), [new Parameter(zeros([2]))]), ShapeError, /^backward: expected loss of shape \[\]/],
];

describe('nn throws the nnkit hierarchy', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  itThrowsEach(cases, { base: NnkitError });

  it('leaks no tensors when a check throws', () => {
    const p = new Parameter(zeros([2, 3]));
    const before = memory().numTensors;
    expect(() => tidy(() => p.assign(zeros([3, 2])))).toThrow(ShapeError);
    expect(memory().numTensors).toBe(before);
    p.dispose();
  });
});
