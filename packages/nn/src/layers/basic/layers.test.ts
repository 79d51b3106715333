import { add, cast, div, equal, grad, leakyRelu as tfLeakyRelu, tensor1d, memory, mul, norm, ones, reshape, sqrt, sub, randomNormal, randomUniform, sum, type Tensor, tensor2d, tidy, zeros } from '@tensorflow/tfjs-core';
import { initBackend, manualSeed } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ShapeError } from '../../errors.js';
import { Module } from '../../module.js';
import {
  BatchNorm1d,
  BatchNorm2d,
  Dropout,
  Dropout2d,
  ELU,
  Flatten,
  GELU,
  GradientReversal,
  Identity,
  LayerNorm,
  LeakyReLU,
  Linear,
  LinearWithConstraint,
  LogSoftmax,
  ReLU,
  Sigmoid,
  Softmax,
  Tanh,
} from './index.js';

class Net extends Module {
  fc = this.registerModule('fc', new Linear(4, 3));
  bn = this.registerModule('bn', new BatchNorm1d(3));
  forward(x: Tensor): Tensor {
    return this.bn.call(this.fc.call(x));
  }
}

describe('basic layers (wasm)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('shape errors name the module path and expected vs got', () => {
    const net = new Net();
    expect(() => net.call(zeros([2, 5]))).toThrow(ShapeError);
    expect(() => net.call(zeros([2, 5]))).toThrow('Net.fc: expected input of shape [*, 4] (last dim in_features=4), got [2, 5]');
    expect(() => new BatchNorm2d(3).call(zeros([2, 3, 4]))).toThrow('BatchNorm2d: expected input of shape [B, C=3, H, W], got [2, 3, 4]');
    expect(() => new BatchNorm1d(3).call(zeros([2, 4]))).toThrow(/\[B, C=3\] or \[B, C=3, L\], got \[2, 4\]/);
    expect(() => new BatchNorm1d(3).call(zeros([1, 3]))).toThrow(/more than 1 value per channel/);
    expect(() => new LayerNorm([4, 6]).call(zeros([2, 6, 4]))).toThrow('LayerNorm: expected input of shape [*, 4, 6], got [2, 6, 4]');
    expect(() => new Dropout2d().call(zeros([3]))).toThrow(ShapeError);
    expect(() => new Flatten(3).call(zeros([2, 3]))).toThrow(ShapeError);
    expect(() => new Dropout(1.2)).toThrow(/between 0 and 1/);
  });

  it('state_dict keys and shapes follow PyTorch', () => {
    const net = new Net();
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual(['fc.weight', 'fc.bias', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked']);
    expect(sd['fc.weight']!.shape).toEqual([3, 4]);
    expect(sd['bn.num_batches_tracked']!.dtype).toBe('int32');
    expect(Object.keys(new BatchNorm2d(2, { affine: false, trackRunningStats: false }).stateDict())).toEqual([]);
    expect(Object.keys(new LayerNorm(3, { elementwiseAffine: false }).stateDict())).toEqual([]);
    expect(Object.keys(new Linear(2, 2, { bias: false }).stateDict())).toEqual(['weight']);
  });

  it('LeakyReLU: the values of tfjs leakyRelu exactly (up to the sign of zero), and PyTorch 1.13\'s gradient (slope at 0)', () => {
    tidy(() => {
      const x = tensor1d([-3, -1e-30, 0, 1e-30, 2.5, -0]);
      const m = new LeakyReLU(0.2);
      const plain = (t: Tensor): number[] => Array.from(t.dataSync(), (v) => v + 0); // −0 counts as 0
      expect(plain(m.call(x))).toEqual(plain(tfLeakyRelu(x, 0.2)));
      const g = grad((v: Tensor) => sum(m.call(v)))(tensor1d([-1, 0, 3]));
      expect(Array.from(g.dataSync()).map((v) => Math.fround(v))).toEqual([0.2, 0.2, 1].map(Math.fround));
    });
  });

  it('extraRepr matches PyTorch', () => {
    expect(new Linear(4, 6).toString()).toBe('Linear(in_features=4, out_features=6, bias=True)');
    expect(new BatchNorm2d(8, { momentum: null }).extraRepr()).toBe('8, eps=0.00001, momentum=None, affine=True, track_running_stats=True'.replace('0.00001', String(1e-5)));
    expect(new LayerNorm(5).extraRepr()).toBe('(5,), eps=0.00001, elementwise_affine=True'.replace('0.00001', String(1e-5)));
    expect(new LinearWithConstraint(3, 2, { maxNorm: 0.25 }).extraRepr()).toContain('max_norm=0.25');
    expect(new Dropout(0.25).extraRepr()).toBe('p=0.25, inplace=False');
    expect(new ELU(0.5).extraRepr()).toBe('alpha=0.5');
    expect(new LeakyReLU(0.2).extraRepr()).toBe('negative_slope=0.2');
    expect(new GELU({ approximate: 'tanh' }).extraRepr()).toBe("approximate='tanh'");
    expect(new Softmax(-1).extraRepr()).toBe('dim=-1');
    expect(new Flatten().extraRepr()).toBe('start_dim=1, end_dim=-1');
    expect(new GradientReversal({ alpha: 0.3 }).extraRepr()).toBe('alpha=0.3');
  });

  it('multAdds for Linear and BatchNorm', () => {
    expect(new Linear(4, 6).multAdds([2, 4], [2, 6])).toBe(48);
    expect(new BatchNorm2d(3).multAdds([2, 3, 4, 5], [2, 3, 4, 5])).toBe(240);
  });

  it('Linear default init follows PyTorch bounds and is deterministic under manualSeed', () => {
    manualSeed(0);
    const a = new Linear(50, 40);
    manualSeed(0);
    const b = new Linear(50, 40);
    expect(a.weight.data.dataSync()).toEqual(b.weight.data.dataSync());
    const bound = 1 / Math.sqrt(50);
    for (const [p, frac] of [[a.weight, 0.95], [a.bias!, 0.5]] as const) {
      const v = p.data.dataSync();
      expect(Math.max(...v)).toBeLessThanOrEqual(bound);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(-bound);
      expect(Math.max(...v)).toBeGreaterThan(frac * bound);
      expect(Math.min(...v)).toBeLessThan(-frac * bound);
    }
    const c = new Linear(50, 40);
    expect(c.weight.data.dataSync()).not.toEqual(a.weight.data.dataSync());
  });

  it('Linear accepts any number of leading dims', () => {
    const fc = new Linear(3, 2);
    expect(fc.call(zeros([3])).shape).toEqual([2]);
    expect(fc.call(zeros([2, 3, 4, 3])).shape).toEqual([2, 3, 4, 2]);
  });

  it('LinearWithConstraint keeps every row norm <= maxNorm after a forward', () => {
    const m = new LinearWithConstraint(8, 4, { maxNorm: 0.1 });
    m.weight.assign(mul(m.weight.data, 10));
    m.call(ones([2, 8])).dispose();
    const norms = norm(m.weight.data, 2, 1).dataSync();
    for (const n of norms) expect(n).toBeLessThanOrEqual(0.1 + 1e-6);
  });

  it('asLinear() gives the weight forward uses (renormed under a max-norm) and is null with a hook', () => {
    const lin = new LinearWithConstraint(5, 3, { maxNorm: 0.1 });
    const spec = lin.asLinear()!;
    expect(spec.weight.shape).toEqual([3, 5]);
    expect(Math.max(...Array.from(tidy(() => norm(spec.weight, 2, 1)).dataSync()))).toBeLessThanOrEqual(0.1 + 1e-6);
    expect(spec.bias).toBe(lin.bias!.data);
    const h = lin.registerForwardHook(() => undefined);
    expect(lin.asLinear()).toBeNull();
    h.remove();
    expect(new Linear(2, 2, { bias: false }).asLinear()!.bias).toBeNull();
    lin.dispose();
  });

  it('BatchNorm counts batches in an int32 buffer and folds running stats in eval', () => {
    const bn = new BatchNorm2d(3, { momentum: null });
    const x = randomNormal([4, 3, 2, 2], 2, 3);
    bn.call(x).dispose();
    bn.call(x).dispose();
    expect(bn.numBatchesTracked!.dataSync()[0]).toBe(2);
    bn.eval();
    const y = bn.call(x);
    const expected = tidy(() =>
      div(sub(x, reshape(bn.runningMean!, [1, 3, 1, 1])), sqrt(add(reshape(bn.runningVar!, [1, 3, 1, 1]), 1e-5))),
    );
    assertClose(y, expected, { atol: 1e-5 });
    bn.resetRunningStats();
    expect(bn.numBatchesTracked!.dataSync()[0]).toBe(0);
  });

  it('Dropout: train-mode mask rate and scaling, eval identity, p=0 identity, reproducible', () => {
    const x = randomUniform([20, 100], 1, 2);
    const d = new Dropout(0.2);
    manualSeed(11);
    const y = d.call(x);
    const ys = y.dataSync();
    const xs = x.dataSync();
    let z = 0;
    for (let i = 0; i < ys.length; i++) {
      if (ys[i] === 0) z++;
      else expect(Math.abs(ys[i]! - xs[i]! / 0.8)).toBeLessThan(1e-5);
    }
    expect(z / ys.length).toBeGreaterThan(0.17);
    expect(z / ys.length).toBeLessThan(0.23);
    manualSeed(11);
    expect(d.call(x).dataSync()).toEqual(ys);
    assertClose(new Dropout(0).call(x), x, { atol: 0 });
    assertClose(d.eval().call(x), x, { atol: 0 });
    // gradient flows only through the kept elements, scaled
    d.train();
    manualSeed(5);
    const g = grad((t: Tensor) => sum(d.call(t)))(x).dataSync();
    manualSeed(5);
    const m = d.call(x).dataSync();
    for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(m[i] === 0 ? 0 : 1 / 0.8, 5);
  });

  it('Dropout2d zeroes whole channels in train mode only', () => {
    const x = randomUniform([8, 10, 3, 4], 1, 2);
    const d = new Dropout2d(0.5);
    manualSeed(1);
    const y = d.call(x);
    const per = sum(cast(equal(y, 0), 'float32'), [2, 3]).dataSync();
    let dropped = 0;
    for (const c of per) {
      expect([0, 12]).toContain(c);
      if (c === 12) dropped++;
    }
    expect(dropped / per.length).toBeGreaterThan(0.35);
    expect(dropped / per.length).toBeLessThan(0.65);
    assertClose(d.eval().call(x), x, { atol: 0 });
  });

  it('GradientReversal is identity forward and -alpha x upstream backward', () => {
    const x = randomNormal([3, 4]);
    const up = randomNormal([3, 4]);
    const grl = new GradientReversal({ alpha: 0.7 });
    assertClose(grl.call(x), x, { atol: 0 });
    const g = grad((t: Tensor) => sum(mul(grl.call(t), up)))(x);
    assertClose(g, mul(up, -0.7), { atol: 1e-7 });
  });

  it('activations and shape layers run and free their intermediates', () => {
    const x = randomNormal([2, 3, 4, 5]);
    const mods: Module[] = [new Identity(), new ReLU(), new ELU(), new ELU(0.3), new LeakyReLU(), new GELU(), new GELU({ approximate: 'tanh' }),
      new Sigmoid(), new Tanh(), new Softmax(1), new LogSoftmax(-1), new Softmax(), new Flatten(), new LayerNorm(5), new BatchNorm2d(3), new Dropout(0.3), new Dropout2d(0.3), new GradientReversal()];
    for (const m of mods) m.call(x as never); // warm-up (creates nothing persistent besides buffers)
    const before = memory().numTensors;
    for (const m of mods) {
      const y = (m as unknown as { call(t: Tensor): Tensor }).call(x);
      y.dispose();
    }
    expect(memory().numTensors).toBe(before);
    const net = new Net();
    const input = tensor2d([[1, 2, 3, 4], [0, 1, 0, 1]]);
    const beforeNet = memory().numTensors;
    net.call(input).dispose();
    grad((t: Tensor) => sum(net.call(t)))(input).dispose();
    expect(memory().numTensors).toBe(beforeNet);
  });
});

describe('basic layers (cpu)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  it('Linear + BatchNorm1d + GELU train step shapes and grads on cpu', () => {
    const fc = new Linear(4, 3);
    const bn = new BatchNorm1d(3);
    const act = new GELU();
    const x = randomNormal([5, 4]);
    const g = grad((t: Tensor) => sum(act.call(bn.call(fc.call(t)))))(x);
    expect(g.shape).toEqual([5, 4]);
    expect(bn.numBatchesTracked!.dataSync()[0]).toBe(1);
  });
});
