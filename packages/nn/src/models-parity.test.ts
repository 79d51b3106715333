// Whole-model parity with PyTorch: the reference models of shared/reference/small.py rebuilt in
// nnkit, loaded strictly from safetensors files written by shared/reference/safetensors_io.py
// (tooling/parity/generators/gen_io.py), outputs within 1e-4.
import { initBackend } from '@nnkit/tensor';
import { assertClose, type Fixture, loadFixture, parityCases, readFixture } from '@nnkit/tooling-testing';
import { add, conv2d, mul, sum, matMul, maxPool, memory, relu, reshape, sigmoid, type Tensor, transpose, zeros } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ShapeError, StateDictError } from './errors.js';
import { loadSafetensors, saveSafetensors } from './io/index.js';
import { Sequential } from './containers/index.js';
import { Conv2d, MaxPool2d } from './layers/conv/index.js';
import { Flatten, Linear, ReLU, Sigmoid } from './layers/basic/index.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { summary } from './summary/index.js';
import { backward, grad } from './autograd/index.js';
import { withPrefix } from '@nnkit/tooling-testing';

// ---- models built from raw Parameters (independent of the layer packages)
class RawLinear extends Module {
  weight: Parameter;
  bias: Parameter;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
  ) {
    super();
    this.weight = this.registerParameter('weight', new Parameter(zeros([outFeatures, inFeatures])));
    this.bias = this.registerParameter('bias', new Parameter(zeros([outFeatures])));
  }
  forward(x: Tensor): Tensor {
    if (x.rank !== 2 || x.shape[1] !== this.inFeatures) throw new ShapeError(this.path(), `[B, ${this.inFeatures}]`, x.shape);
    return add(matMul(x, this.weight.data, false, true), this.bias.data);
  }
}
class RawConv2d extends Module {
  weight: Parameter;
  bias: Parameter;
  constructor(
    readonly inChannels: number,
    outChannels: number,
    k: number,
  ) {
    super();
    this.weight = this.registerParameter('weight', new Parameter(zeros([outChannels, inChannels, k, k])));
    this.bias = this.registerParameter('bias', new Parameter(zeros([outChannels])));
  }
  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) throw new ShapeError(this.path(), `[B, ${this.inChannels}, H, W]`, x.shape);
    const y = conv2d(transpose(x, [0, 2, 3, 1]) as never, transpose(this.weight.data, [2, 3, 1, 0]) as never, 1, 'valid');
    return transpose(add(y, this.bias.data), [0, 3, 1, 2]);
  }
}
const maxPool2 = (x: Tensor): Tensor => transpose(maxPool(transpose(x, [0, 2, 3, 1]) as never, 2, 2, 'valid'), [0, 3, 1, 2]);

class RawIrisMLP extends Module {
  fc1 = this.registerModule('fc1', new RawLinear(4, 6));
  fc2 = this.registerModule('fc2', new RawLinear(6, 3));
  forward(x: Tensor): Tensor {
    return this.fc2.call(sigmoid(this.fc1.call(x)));
  }
}
class RawLeNet extends Module {
  conv1 = this.registerModule('conv1', new RawConv2d(1, 6, 5));
  conv2 = this.registerModule('conv2', new RawConv2d(6, 16, 5));
  fc1 = this.registerModule('fc1', new RawLinear(400, 120));
  fc2 = this.registerModule('fc2', new RawLinear(120, 84));
  fc3 = this.registerModule('fc3', new RawLinear(84, 10));
  forward(x: Tensor): Tensor {
    let h = maxPool2(relu(this.conv1.call(x)));
    h = maxPool2(relu(this.conv2.call(h)));
    h = reshape(h, [h.shape[0]!, -1]);
    return this.fc3.call(relu(this.fc2.call(relu(this.fc1.call(h)))));
  }
}

// ---- the same models from nnkit's layers (small.py, line for line)
class LeNet extends Module {
  conv1 = this.registerModule('conv1', new Conv2d(1, 6, 5));
  conv2 = this.registerModule('conv2', new Conv2d(6, 16, 5));
  fc1 = this.registerModule('fc1', new Linear(16 * 5 * 5, 120));
  fc2 = this.registerModule('fc2', new Linear(120, 84));
  fc3 = this.registerModule('fc3', new Linear(84, 10));
  pool = this.registerModule('pool', new MaxPool2d(2));
  relu = this.registerModule('relu', new ReLU());
  flatten = this.registerModule('flatten', new Flatten(1));
  forward(x: Tensor): Tensor {
    let h = this.pool.call(this.relu.call(this.conv1.call(x)));
    h = this.flatten.call(this.pool.call(this.relu.call(this.conv2.call(h))));
    return this.fc3.call(this.relu.call(this.fc2.call(this.relu.call(this.fc1.call(h)))));
  }
}
class IrisMLP extends Module {
  fc1: Linear;
  fc2: Linear;
  constructor(inputSize = 4, hiddenSize = 6, outputSize = 3) {
    super();
    this.fc1 = this.registerModule('fc1', new Linear(inputSize, hiddenSize));
    this.fc2 = this.registerModule('fc2', new Linear(hiddenSize, outputSize));
  }
  forward(x: Tensor): Tensor {
    return this.fc2.call(sigmoid(this.fc1.call(x)));
  }
}

/** Reads the sharded LeNet state dict (two files, like model-0000x-of-00002.safetensors). */
function lenetState(): Record<string, Tensor> {
  return { ...loadSafetensors(loadFixture(import.meta.url, 'lenet-state-00001.safetensors')), ...loadSafetensors(loadFixture(import.meta.url, 'lenet-state-00002.safetensors')) };
}
const disposeAll = (d: Record<string, Tensor>): void => Object.values(d).forEach((t) => t.dispose());

beforeAll(async () => {
  await initBackend();
});

describe('whole-model parity (raw-Parameter models)', () => {
  it('IrisMLP: strict load from the PyTorch file, eval output within 1e-4', () => {
    const m = new RawIrisMLP().eval();
    const dict = loadSafetensors(loadFixture(new URL('./io/safetensors.test.ts', import.meta.url).href, 'iris-state.safetensors'));
    m.loadStateDict(dict, { strict: true });
    disposeAll(dict);
    const fx = readFixture(import.meta.url, 'iris-io');
    const y = m.call(fx.get('in.x'));
    assertClose(y, fx.get('out.eval'), { atol: 1e-4, rtol: 1e-4, name: 'IrisMLP' });
    y.dispose();
    fx.dispose();
    m.dispose();
  });

  it('LeNet: strict load of the sharded state dict, eval output within 1e-4, 61,706 params', () => {
    const m = new RawLeNet().eval();
    const dict = lenetState();
    m.loadStateDict(dict, { strict: true });
    disposeAll(dict);
    const fx = readFixture(import.meta.url, 'lenet-io');
    expect(fx.config<{ params: number }>().params).toBe(61706);
    const before = memory().numTensors;
    const y = m.call(fx.get('in.x'));
    expect(memory().numTensors).toBe(before + 1);
    assertClose(y, fx.get('out.eval'), { atol: 1e-4, rtol: 1e-4, name: 'LeNet' });
    expect(summary(m, [1, 1, 32, 32]).totalParams).toBe(61706);
    y.dispose();
    fx.dispose();
    m.dispose();
  });

  it('strict loading reports a missing and an extra key by name', () => {
    const m = new RawLeNet();
    const dict = lenetState();
    const { 'fc2.bias': fc2Bias, ...rest } = dict;
    const bad = { ...rest, 'fc4.weight': fc2Bias! };
    let err: unknown;
    try {
      m.loadStateDict(bad, { strict: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateDictError);
    expect((err as StateDictError).missingKeys).toEqual(['fc2.bias']);
    expect((err as StateDictError).unexpectedKeys).toEqual(['fc4.weight']);
    expect((err as Error).message).toMatch(/missing keys: fc2\.bias.*unexpected keys: fc4\.weight/);
    expect(m.loadStateDict(bad, { strict: false })).toEqual({ missingKeys: ['fc2.bias'], unexpectedKeys: ['fc4.weight'] });
    disposeAll(dict);
    m.dispose();
  });

  it('a wrong input shape names the module path with expected and actual shapes', () => {
    const m = new RawLeNet();
    const x = zeros([2, 3, 32, 32]);
    expect(() => m.call(x)).toThrow(ShapeError);
    expect(() => m.call(x)).toThrow(/RawLeNet\.conv1: expected input of shape \[B, 1, H, W\], got \[2, 3, 32, 32\]/);
    const x2 = zeros([2, 1, 36, 36]);
    expect(() => m.call(x2)).toThrow(/RawLeNet\.fc1: expected input of shape \[B, 400\], got \[2, 576\]/);
    x.dispose();
    x2.dispose();
    m.dispose();
  });
});

describe('whole-model parity (nnkit layers: Conv2d, MaxPool2d, Linear)', () => {
  it('LeNet: strict load of the PyTorch state dict, eval output within 1e-4, and back to identical bytes', () => {
    const m = new LeNet().eval();
    const dict = lenetState();
    m.loadStateDict(dict, { strict: true });
    const fx = readFixture(import.meta.url, 'lenet-io');
    const before = memory().numTensors;
    const y = m.call(fx.get('in.x'));
    expect(memory().numTensors).toBe(before + 1);
    assertClose(y, fx.get('out.eval'), { atol: 1e-4, rtol: 1e-4, name: 'LeNet' });
    // nnkit → safetensors → the same bytes as PyTorch's state dict through the reference writer
    const { 'fc1.weight': w1, 'fc1.bias': b1, ...first } = m.stateDict();
    const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));
    expect(same(saveSafetensors(first), loadFixture(import.meta.url, 'lenet-state-00001.safetensors'))).toBe(true);
    expect(same(saveSafetensors({ 'fc1.weight': w1!, 'fc1.bias': b1! }), loadFixture(import.meta.url, 'lenet-state-00002.safetensors'))).toBe(true);
    const s = summary(m, [1, 1, 32, 32]);
    expect(s.totalParams).toBe(61706);
    expect(s.rows.filter((r) => r.params > 0).map((r) => [r.name, r.outputShape, r.params])).toEqual([
      ['conv1', [1, 6, 28, 28], 156],
      ['conv2', [1, 16, 10, 10], 2416],
      ['fc1', [1, 120], 48120],
      ['fc2', [1, 84], 10164],
      ['fc3', [1, 10], 850],
    ]);
    y.dispose();
    fx.dispose();
    disposeAll(dict);
    m.dispose();
  });

  /** One gradient case: the model with its PyTorch state, its io fixture and the expected parameter gradients. */
  const gradientCase = (name: 'LeNet' | 'IrisMLP'): { m: Module; f: Fixture; gw: Record<string, Tensor>; dispose(): void } => {
    if (name === 'LeNet') {
      const m = new LeNet();
      const dict = lenetState();
      m.loadStateDict(dict);
      disposeAll(dict);
      const f = readFixture(import.meta.url, 'lenet-io');
      const g1 = readFixture(import.meta.url, 'lenet-grad-00001');
      const g2 = readFixture(import.meta.url, 'lenet-grad-00002');
      const gw = { ...withPrefix(g1.tensors, 'grad.w.'), ...withPrefix(g2.tensors, 'grad.w.') };
      return { m, f, gw, dispose: () => [f, g1, g2].forEach((x) => x.dispose()) };
    }
    const m = new IrisMLP();
    const idict = loadSafetensors(loadFixture(new URL('./io/safetensors.test.ts', import.meta.url).href, 'iris-state.safetensors'));
    m.loadStateDict(idict);
    disposeAll(idict);
    const f = readFixture(import.meta.url, 'iris-io');
    return { m, f, gw: withPrefix(f.tensors, 'grad.w.'), dispose: () => f.dispose() };
  };

  parityCases('input and parameter gradients within 1e-4 (loss = sum(out * r))', ['LeNet', 'IrisMLP'] as const, (name) => {
    const { m, f, gw, dispose } = gradientCase(name);
    const before = memory().numTensors;
    const call = (x: Tensor): Tensor => (m.call as (x: Tensor) => Tensor).call(m, x);
    const loss = (x: Tensor): Tensor => sum(mul(call(x), f.get('in.r')));
    const [dx] = grad(loss, [f.get('in.x')]);
    assertClose(dx!, f.get('grad.in.x'), { atol: 1e-4, rtol: 1e-4, name: `${name} grad.in.x` });
    dx!.dispose();
    backward(() => loss(f.get('in.x')), m).dispose();
    const params = Object.fromEntries(m.namedParameters());
    expect(Object.keys(gw).sort()).toEqual(Object.keys(params).sort());
    for (const [k, g] of Object.entries(gw)) assertClose(params[k]!.grad!, g, { atol: 1e-4, rtol: 1e-4, name: `${name} grad.w.${k}` });
    m.zeroGrad();
    expect(memory().numTensors).toBe(before);
    dispose();
    m.dispose();
  }, { name: (n) => n });

  it('IrisMLP and the same network as a Sequential: strict load, outputs within 1e-4', () => {
    const dict = loadSafetensors(loadFixture(new URL('./io/safetensors.test.ts', import.meta.url).href, 'iris-state.safetensors'));
    const fx = readFixture(import.meta.url, 'iris-io');
    const m = new IrisMLP().eval();
    m.loadStateDict(dict, { strict: true });
    const y = m.call(fx.get('in.x'));
    assertClose(y, fx.get('out.eval'), { atol: 1e-4, rtol: 1e-4, name: 'IrisMLP' });
    // nn.Sequential(Linear, Sigmoid, Linear) has keys 0.* and 2.*
    const seq = new Sequential(new Linear(4, 6), new Sigmoid(), new Linear(6, 3)).eval();
    const renamed = Object.fromEntries(Object.entries(dict).map(([k, v]) => [k.replace('fc1.', '0.').replace('fc2.', '2.'), v]));
    seq.loadStateDict(renamed, { strict: true });
    const y2 = seq.call(fx.get('in.x'));
    assertClose(y2, fx.get('out.eval'), { atol: 1e-4, rtol: 1e-4, name: 'Sequential IrisMLP' });
    for (const t of [y, y2]) t.dispose();
    disposeAll(dict);
    fx.dispose();
    m.dispose();
    seq.dispose();
  });

  it('strict loading reports BOTH a missing and an extra key by name', () => {
    const m = new LeNet();
    const dict = lenetState();
    const { 'conv2.weight': w, ...rest } = dict;
    let err: unknown;
    try {
      m.loadStateDict({ ...rest, 'conv3.weight': w! });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateDictError);
    expect(err).toMatchObject({ missingKeys: ['conv2.weight'], unexpectedKeys: ['conv3.weight'] });
    expect((err as Error).message).toContain('LeNet');
    expect((err as Error).message).toMatch(/missing keys: conv2\.weight\. unexpected keys: conv3\.weight/);
    disposeAll(dict);
    m.dispose();
  });

  it('a wrong input shape to Conv2d / Linear names the module path with expected and actual shapes', () => {
    const m = new LeNet();
    const x = zeros([2, 3, 32, 32]);
    let err: unknown;
    try {
      m.call(x);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShapeError);
    expect(err).toMatchObject({ modulePath: 'LeNet.conv1', got: [2, 3, 32, 32] });
    expect((err as Error).message).toMatch(/LeNet\.conv1: expected input of shape \[B, 1, .*\], got \[2, 3, 32, 32\]/);
    const x2 = zeros([2, 1, 36, 36]);
    expect(() => m.call(x2)).toThrow(/LeNet\.fc1: expected input of shape \[\*, 400\].*got \[2, 576\]/);
    for (const t of [x, x2]) t.dispose();
    m.dispose();
  });
});

describe('whole-model parity on the cpu backend', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  it('LeNet: eval output within 1e-4', () => {
    const m = new LeNet().eval();
    const dict = lenetState();
    m.loadStateDict(dict, { strict: true });
    disposeAll(dict);
    const fx = readFixture(import.meta.url, 'lenet-io');
    const y = m.call(fx.get('in.x'));
    assertClose(y, fx.get('out.eval'), { atol: 1e-4, rtol: 1e-4, name: 'LeNet (cpu)' });
    y.dispose();
    fx.dispose();
    m.dispose();
  });
});
