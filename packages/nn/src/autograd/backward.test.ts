import { initBackend } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import { add, matMul, memory, mean, mul, square, sub, sum, type Tensor, tensor, tidy } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { backward, detach, grad, noGrad, zeroGrad } from './index.js';

class Tiny extends Module {
  w = this.registerParameter('w', new Parameter(tensor([[0.5, -1], [2, 0.25], [1, 1]])));
  b = this.registerParameter('b', new Parameter(tensor([0.1, -0.2, 0.3])));
  unused = this.registerParameter('unused', new Parameter(tensor([1, 2])));
  forward(x: Tensor): Tensor {
    return add(matMul(x, this.w.data, false, true), this.b.data);
  }
}

beforeAll(async () => {
  await initBackend();
});

describe('backward', () => {
  it('accumulates gradients across calls and skips unused and frozen parameters', () => {
    const m = new Tiny();
    const x = tensor([[1, 2], [3, -1]]);
    const loss = backward(() => sum(m.call(x)), m);
    expect(loss.shape).toEqual([]);
    assertClose(loss, 14.65, { atol: 1e-5 });
    // d/dW sum(x W^T + b) = column sums of x, repeated per row
    assertClose(m.w.grad!, [4, 1, 4, 1, 4, 1], { atol: 1e-6 });
    assertClose(m.b.grad!, [2, 2, 2], { atol: 1e-6 });
    expect(m.unused.grad).toBeNull();
    loss.dispose();
    backward(() => sum(m.call(x)), m).dispose();
    assertClose(m.w.grad!, [8, 2, 8, 2, 8, 2], { atol: 1e-6 });
    m.b.requiresGrad = false;
    zeroGrad(m);
    expect(m.w.grad).toBeNull();
    backward(() => sum(m.call(x)), [m.w, m.b]).dispose();
    expect(m.b.grad).toBeNull();
    assertClose(m.w.grad!, [4, 1, 4, 1, 4, 1], { atol: 1e-6 });
    x.dispose();
    m.dispose();
  });

  it('rejects non-scalar losses and keeps results alive inside tidy', () => {
    const m = new Tiny();
    const x = tensor([[1, 2]]);
    expect(() => backward(() => m.call(x), m)).toThrow(/scalar/);
    const before = memory().numTensors;
    const l = tidy(() => backward(() => mean(m.call(x)), m));
    expect(l.isDisposed).toBe(false);
    expect(m.w.grad!.isDisposed).toBe(false);
    l.dispose();
    // one new gradient for w and one for b
    expect(memory().numTensors).toBe(before + 2);
    m.dispose();
    x.dispose();
  });

  it('leaks nothing: tensor count identical after 1 and 100 training steps', () => {
    const w1 = new Parameter(tensor([[0.1, 0.2], [-0.3, 0.4], [0.5, -0.6]]));
    const w2 = new Parameter(tensor([[0.3, -0.2, 0.1]]));
    const params = [w1, w2];
    const x = tensor([[1, 2], [0.5, -1], [2, 0]]);
    const y = tensor([[1], [0], [2]]);
    const stepOnce = (): void => {
      zeroGrad(params);
      const loss = backward(
        () => mean(square(sub(matMul(matMul(x, w1.data, false, true), w2.data, false, true), y))),
        params,
      );
      loss.dispose();
      tidy(() => {
        for (const p of params) p.assign(sub(p.data, mul(0.05, p.grad!)));
      });
    };
    stepOnce();
    const after1 = memory().numTensors;
    for (let i = 0; i < 99; i++) stepOnce();
    expect(memory().numTensors).toBe(after1);
    for (const p of params) p.dispose();
    x.dispose();
    y.dispose();
  });
});

describe('grad / noGrad / detach', () => {
  it('differentiates w.r.t. inputs', () => {
    const x = tensor([1, 2, 3]);
    const before = memory().numTensors;
    const [dx] = grad((v) => sum(square(v)), [x]);
    assertClose(dx!, [2, 4, 6]);
    dx!.dispose();
    expect(memory().numTensors).toBe(before);
    const [dy] = grad((v) => square(v), [x], { gradOutputs: tensor([1, 0, 2]) });
    assertClose(dy!, [2, 0, 12]);
    expect(() => grad((v) => square(v), [x])).toThrow(/scalar/);
    const z = tensor([5]);
    expect(() => grad((v) => sum(v), [x, z])).toThrow(/does not influence/);
    const [, dz] = grad((v) => sum(v), [x, z], { allowUnused: true });
    assertClose(dz!, [0]);
  });

  it('noGrad and detach stop gradients inside a tape', () => {
    const x = tensor([1, 2, 3]);
    const [dx] = grad((v) => sum(mul(v, noGrad(() => square(v)))), [x]);
    assertClose(dx!, [1, 4, 9]);
    const [dx2] = grad((v) => sum(mul(v, detach(v))), [x]);
    assertClose(dx2!, [1, 2, 3]);
    const before = memory().numTensors;
    const r = noGrad(() => sum(square(x)));
    expect(memory().numTensors).toBe(before + 1);
    r.dispose();
  });
});
