import { initBackend } from '@nnkit/tensor';
import { add, matMul, memory, mul, ones, scalar, type Tensor, tensor2d, zeros } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential } from './index.js';

class Lin extends Module {
  weight: Parameter;
  bias: Parameter;
  constructor(inF: number, outF: number, w = 1) {
    super();
    this.weight = this.registerParameter('weight', new Parameter(mul(ones([outF, inF]), scalar(w))));
    this.bias = this.registerParameter('bias', new Parameter(zeros([outF])));
  }
  forward(x: Tensor): Tensor {
    return add(matMul(x, this.weight.data, false, true), this.bias.data);
  }
}
class Double extends Module {
  forward(x: Tensor): Tensor {
    return mul(x, scalar(2));
  }
}

beforeAll(async () => {
  await initBackend();
});

describe('Sequential', () => {
  it('numbers children 0, 1, … like PyTorch and chains call', () => {
    const net = new Sequential(new Lin(2, 3), new Double(), new Lin(3, 1));
    expect(Object.keys(net.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(net.length).toBe(3);
    expect(net.at(-1)).toBe(net.at(2));
    expect([...net].length).toBe(3);
    const x = tensor2d([[1, 2]]);
    const before = memory().numTensors;
    const y = net.call(x);
    expect(memory().numTensors).toBe(before + 1);
    expect(Array.from(y.dataSync())).toEqual([18]);
    y.dispose();
    x.dispose();
    expect(net.at(1).path()).toBe('Sequential.1');
    expect(() => net.at(3)).toThrow(/Sequential: index 3 is out of range \(length 3\)/);
    expect(() => net.at(-4)).toThrow(RangeError);
    net.dispose();
  });

  it('takes named modules (record or ordered entries) and nests', () => {
    const rec = new Sequential({ fc1: new Lin(2, 3), act: new Double() });
    expect(Object.keys(rec.stateDict())).toEqual(['fc1.weight', 'fc1.bias']);
    const ent = new Sequential([
      ['b', new Lin(2, 2)],
      ['a', new Lin(2, 2)],
    ]);
    expect([...ent.namedChildren()].map(([k]) => k)).toEqual(['b', 'a']);
    class Outer extends Module {
      features = this.registerModule('features', new Sequential(new Lin(2, 2), new Sequential(new Double(), new Lin(2, 1))));
      forward(x: Tensor): Tensor {
        return this.features.call(x);
      }
    }
    const o = new Outer();
    expect(Object.keys(o.stateDict())).toEqual(['features.0.weight', 'features.0.bias', 'features.1.1.weight', 'features.1.1.bias']);
    expect((o.features.at(1) as Sequential).at(1).path()).toBe('Outer.features.1.1');
    expect(() => new Sequential({ a: 3 as unknown as Module })).toThrow(/'a' is not a Module/);
    rec.dispose();
    ent.dispose();
    o.dispose();
  });

  it('append and slice (shares modules, keeps keys like seq[1:3])', () => {
    const a = new Lin(2, 2);
    const net = new Sequential(a, new Double());
    net.append(new Lin(2, 1, 0.5));
    expect(Object.keys(net.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const tail = net.slice(1);
    expect([...tail.namedChildren()].map(([k]) => k)).toEqual(['1', '2']);
    expect(tail.at(1)).toBe(net.at(2));
    expect(net.slice(0, -1).at(0)).toBe(a);
    expect(net.slice(5).length).toBe(0);
    const x = tensor2d([[1, 1]]);
    const y = tail.call(x);
    expect(Array.from(y.dataSync())).toEqual([2]);
    // An empty Sequential is the identity.
    const id = new Sequential();
    const z = id.call(x);
    expect(z).toBe(x);
    x.dispose();
    y.dispose();
    net.dispose();
  });
});

describe('ModuleList', () => {
  it('append / extend / insert renumber keys; at, length, iteration', () => {
    const l = new ModuleList([new Lin(1, 1)]);
    l.extend([new Lin(1, 2), new Lin(1, 3)]);
    const ins = new Lin(1, 4);
    l.insert(1, ins);
    expect(l.length).toBe(4);
    expect([...l].map((m) => (m as Lin).weight.shape[0])).toEqual([1, 4, 2, 3]);
    expect(Object.keys(l.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '2.weight', '2.bias', '3.weight', '3.bias']);
    expect(l.stateDict()['1.weight']!.shape).toEqual([4, 1]);
    expect(l.at(-1)).toBe(l.at(3));
    expect(ins.path()).toBe('ModuleList.1');
    l.insert(-100, new Lin(1, 5)); // clamped like list.insert
    expect((l.at(0) as Lin).weight.shape[0]).toBe(5);
    const popped = l.pop(0);
    expect((popped as Lin).weight.shape[0]).toBe(5);
    l.set(0, new Lin(1, 7));
    expect(l.stateDict()['0.weight']!.shape).toEqual([7, 1]);
    expect(() => l.call()).toThrow(/ModuleList has no forward/);
    expect(() => l.append({} as Module)).toThrow(TypeError);
    popped.dispose();
    l.dispose();
  });

  it('gives PyTorch keys when nested in a model', () => {
    class Net extends Module {
      blocks = this.registerModule('blocks', new ModuleList([new Lin(2, 2), new Lin(2, 2)]));
      forward(x: Tensor): Tensor {
        for (const b of this.blocks) x = (b as Lin).call(x);
        return x;
      }
    }
    const n = new Net();
    expect(Object.keys(n.stateDict())).toEqual(['blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias']);
    const x = tensor2d([[1, 1]]);
    const y = n.call(x);
    expect(Array.from(y.dataSync())).toEqual([4, 4]);
    x.dispose();
    y.dispose();
    n.dispose();
  });
});

describe('ModuleDict', () => {
  it('get / set / has / delete / keys / entries keep insertion order', () => {
    const d = new ModuleDict({ cls: new Lin(2, 4), reg: new Lin(2, 1) });
    d.set('aux', new Lin(2, 2));
    expect([...d.keys()]).toEqual(['cls', 'reg', 'aux']);
    expect(d.has('reg')).toBe(true);
    expect(d.size).toBe(3);
    d.set('cls', new Lin(2, 5)); // replace keeps the position
    expect([...d.entries()].map(([k, m]) => `${k}:${(m as Lin).weight.shape[0]}`)).toEqual(['cls:5', 'reg:1', 'aux:2']);
    expect(Object.keys(d.stateDict())[0]).toBe('cls.weight');
    const r = d.delete('reg');
    expect(d.has('reg')).toBe(false);
    expect([...d.values()].length).toBe(2);
    expect(() => d.get('nope')).toThrow(/no module 'nope' \(has: cls, aux\)/);
    const fromEntries = new ModuleDict([['z', new Double()]]);
    expect([...fromEntries].map(([k]) => k)).toEqual(['z']);
    r.dispose();
    d.dispose();
  });
});

describe('ParameterList / ParameterDict', () => {
  it('register parameters under 0, 1, … and names', () => {
    class Net extends Module {
      scales = this.registerModule('scales', new ParameterList([new Parameter(ones([3])), new Parameter(zeros([2]))]));
      gains = this.registerModule('gains', new ParameterDict({ alpha: new Parameter(ones([1])) }));
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const n = new Net();
    n.scales.append(new Parameter(ones([4])));
    n.gains.set('beta', new Parameter(zeros([5])));
    expect(Object.keys(n.stateDict())).toEqual(['scales.0', 'scales.1', 'scales.2', 'gains.alpha', 'gains.beta']);
    expect(n.parameters().length).toBe(5);
    expect(n.scales.length).toBe(3);
    expect(n.scales.at(-1).shape).toEqual([4]);
    expect([...n.scales].map((p) => p.size)).toEqual([3, 2, 4]);
    expect([...n.gains.keys()]).toEqual(['alpha', 'beta']);
    expect(n.gains.get('beta').shape).toEqual([5]);
    expect(n.gains.has('gamma')).toBe(false);
    const old = n.scales.at(0);
    n.scales.set(0, new Parameter(ones([6])));
    expect(n.stateDict()['scales.0']!.shape).toEqual([6]);
    old.dispose();
    const b = n.gains.delete('beta');
    expect(Object.keys(n.stateDict())).toEqual(['scales.0', 'scales.1', 'scales.2', 'gains.alpha']);
    b.dispose();
    expect(() => n.gains.get('beta')).toThrow(/no parameter 'beta'/);
    expect(() => n.scales.call()).toThrow(/no forward/);
    n.dispose();
  });
});
