// Empty batches, wrong dtypes and inputs smaller than the kernel: clear nnkit errors naming the
// module path, or empty outputs, on every backend (as PyTorch).
import * as tf from '@tensorflow/tfjs-core';
import { DTypeError, initBackend, ShapeError } from '@nnkit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { backward } from './autograd/index.js';
import { AvgPool2d, Conv1d, Conv2d, CausalConv1d, MaxPool1d, MaxPool2d } from './layers/conv/index.js';
import { BatchNorm2d, LayerNorm, Linear } from './layers/basic/index.js';
import { CrossEntropyLoss, NLLLoss } from './losses/index.js';
import { Module } from './module.js';

class Net extends Module {
  conv = this.registerModule('conv', new Conv2d(3, 4, 3));
  bn = this.registerModule('bn', new BatchNorm2d(4));
  fc = this.registerModule('fc', new Linear(4, 2));
  forward(x: tf.Tensor): tf.Tensor {
    const h = this.bn.call(this.conv.call(x));
    return this.fc.call(tf.mean(h, [2, 3]));
  }
}

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe.each(['wasm', 'cpu'] as const)('empty batches (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it.each([
    ['Conv2d', () => new Conv2d(3, 8, 3), [0, 3, 8, 8], [0, 8, 6, 6]],
    ['Conv2d (dilated, same)', () => new Conv2d(3, 8, 3, { dilation: 2, padding: 'same' }), [0, 3, 8, 8], [0, 8, 8, 8]],
    ['Conv1d', () => new Conv1d(3, 8, 3), [0, 3, 8], [0, 8, 6]],
    ['CausalConv1d', () => new CausalConv1d(3, 8, 3, { dilation: 2 }), [0, 3, 8], [0, 8, 8]],
    ['MaxPool2d', () => new MaxPool2d(2), [0, 3, 4, 4], [0, 3, 2, 2]],
    ['AvgPool2d', () => new AvgPool2d(2), [0, 3, 4, 4], [0, 3, 2, 2]],
    ['BatchNorm2d (eval)', () => new BatchNorm2d(3).eval(), [0, 3, 4, 4], [0, 3, 4, 4]],
    ['LayerNorm', () => new LayerNorm(4), [0, 4], [0, 4]],
    ['Linear', () => new Linear(3, 2), [0, 3], [0, 2]],
  ] as const)('%s gives an empty output', (_n, make, inShape, outShape) => {
    const m = make();
    const y = m.call(tf.zeros([...inShape])) as tf.Tensor;
    expect(y.shape).toEqual(outShape);
    m.dispose();
  });

  it('trains on an empty batch: zero gradients, BatchNorm statistics untouched, counted', () => {
    const net = new Net();
    const before = Array.from(net.bn.runningMean!.dataSync());
    const n0 = tf.memory().numTensors;
    const loss = backward(() => tf.sum(net.call(tf.zeros([0, 3, 8, 8]))), net);
    expect(loss.dataSync()[0]).toBe(0);
    // Zeros, or none for BatchNorm's affine parameters (unused on an empty batch, as in PyTorch).
    for (const p of net.parameters()) expect(p.grad === null || Array.from(p.grad.dataSync()).every((v) => v === 0)).toBe(true);
    expect(net.conv.weight.grad).not.toBeNull();
    expect(Array.from(net.bn.runningMean!.dataSync())).toEqual(before);
    expect(net.bn.numBatchesTracked!.dataSync()[0]).toBe(1);
    loss.dispose();
    net.zeroGrad();
    expect(tf.memory().numTensors).toBe(n0);
    net.dispose();
  });
});

describe.each(['wasm', 'cpu'] as const)('clear errors naming the module path (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('a kernel larger than the input is a ShapeError naming the module', () => {
    const e = thrown(() => new Conv2d(3, 8, 9).call(tf.zeros([1, 3, 8, 8])));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/^Conv2d: expected input of shape \[B, 3, ≥9, ≥9\].*larger than the padded input \[8, 8\].*got \[1, 3, 8, 8\]/);
  });

  it('names the nested path (Net.conv) and counts padding', () => {
    const net = new Net();
    expect(thrown(() => net.call(tf.zeros([1, 3, 2, 5])))).toMatchObject({ name: 'ShapeError', message: expect.stringMatching(/^Net\.conv: /) });
    const padded = new Conv1d(2, 2, 5, { padding: 1 });
    expect(thrown(() => padded.call(tf.zeros([1, 2, 2]))).message).toMatch(/≥3/);
    expect(padded.call(tf.zeros([1, 2, 3])).shape).toEqual([1, 2, 1]);
    net.dispose();
  });

  it('a pooling window larger than the input is a ShapeError naming the module', () => {
    expect(thrown(() => new MaxPool1d(5).call(tf.zeros([1, 2, 3])))).toMatchObject({ name: 'ShapeError', message: expect.stringMatching(/^MaxPool1d: /) });
  });

  it.each([
    ['Linear', () => new Linear(3, 2), [2, 3]],
    ['Conv2d', () => new Conv2d(3, 4, 3), [1, 3, 5, 5]],
    ['Conv1d', () => new Conv1d(3, 4, 3), [1, 3, 5]],
    ['BatchNorm2d', () => new BatchNorm2d(3), [2, 3, 2, 2]],
    ['LayerNorm', () => new LayerNorm(3), [2, 3]],
  ] as const)('%s refuses int32 and bool inputs with a DTypeError', (name, make, shape) => {
    const m = make();
    for (const dtype of ['int32', 'bool'] as const) {
      const e = thrown(() => m.call(tf.zeros([...shape], dtype)));
      expect(e).toBeInstanceOf(DTypeError);
      expect(e.message).toBe(`${name}: expected input of dtype float32, got ${dtype}`);
    }
    m.dispose();
  });

  it('names the nested module that refuses the dtype', () => {
    const net = new Net();
    expect(thrown(() => net.call(tf.zeros([1, 3, 5, 5], 'int32'))).message).toBe('Net.conv: expected input of dtype float32, got int32');
    net.dispose();
  });

  it('classification losses refuse float class indices, naming the loss', () => {
    const x = tf.randomNormal([2, 3]);
    const t = tf.tensor1d([0, 2]);
    expect(thrown(() => new CrossEntropyLoss().call(x, t))).toMatchObject({ name: 'DTypeError', message: 'CrossEntropyLoss: expected target of dtype int32 (class indices), got float32' });
    expect(thrown(() => new NLLLoss().call(x, t))).toBeInstanceOf(DTypeError);
    expect(new CrossEntropyLoss().call(x, tf.tensor1d([0, 2], 'int32')).shape).toEqual([]);
  });

  it('an error from tfjs inside forward is prefixed with the module path (class kept)', () => {
    class Bad extends Module {
      forward(x: tf.Tensor): tf.Tensor {
        return tf.matMul(x, tf.ones([5, 2]));
      }
    }
    class Outer extends Module {
      inner = this.registerModule('inner', new Bad());
      forward(x: tf.Tensor): tf.Tensor {
        return this.inner.call(x);
      }
    }
    const e = thrown(() => new Outer().call(tf.ones([2, 3])));
    expect(e.message).toMatch(/^Outer\.inner: .*matMul/);
  });
});
