import { ArgumentError, initBackend } from '@nnkit/tensor';
import { add, concat, matMul, memory, mul, ones, relu, scalar, tanh, type Tensor, tensor2d, zeros } from '@tensorflow/tfjs-core';
import { assertClose, readFixture, withPrefix } from '@nnkit/tooling-testing';
import { StateDictError } from '../errors.js';
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

class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}
class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** The `Containers` model of gen_io.py, built and edited the same way. */
class Containers extends Module {
  features = this.registerModule('features', new Sequential(new Lin(2, 3), new ReLU(), new Sequential([['fc', new Lin(3, 4)], ['act', new Tanh()]])));
  blocks = this.registerModule('blocks', new ModuleList([new Lin(5, 5), new Lin(5, 5)]));
  heads = this.registerModule('heads', new ModuleDict({ z: new Lin(5, 2), a: new Lin(5, 1) }));
  scales = this.registerModule('scales', new ParameterList([new Parameter(zeros([5])), new Parameter(zeros([5]))]));
  gains = this.registerModule('gains', new ParameterDict({ b: new Parameter(zeros([1])), a: new Parameter(zeros([1])) }));
  tail: Sequential;
  constructor() {
    super();
    this.features.append(new Lin(4, 5));
    this.features.insert(1, new Lin(3, 3));
    this.features.pop(2).dispose();
    this.blocks.insert(0, new Lin(5, 5));
    this.blocks.extend([new Lin(5, 5)]);
    this.blocks.pop(1).dispose();
    this.heads.set('m', new Lin(5, 3));
    this.heads.update({ q: new Lin(5, 1), b: new Lin(5, 2) });
    this.scales.append(new Parameter(zeros([5])));
    this.gains.update({ d: new Parameter(zeros([1])), c: new Parameter(zeros([1])) });
    this.tail = this.registerModule('tail', this.features.slice(1, 3));
  }
  forward(x: Tensor): Tensor {
    let h = this.features.call(x);
    [...this.blocks].forEach((b, i) => {
      h = mul(relu((b as Lin).call(h)), this.scales.at(i).data);
    });
    const heads = [...this.heads.values()].map((m) => (m as Lin).call(h));
    const out = mul(concat(heads, 1), add(this.gains.get('a').data, this.gains.get('d').data));
    return concat([out, this.tail.call((this.features.at(0) as Lin).call(x))], 1);
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
    expect(() => net.at(-4)).toThrow(ArgumentError);
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
    const fromMap = new Sequential(new Map<string, Module>([['z', new Double()], ['1', new Double()]]));
    expect([...fromMap.namedChildren()].map(([k]) => k)).toEqual(['z', '1']);
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

describe('Sequential insert / extend / pop', () => {
  it('renumber like PyTorch and check bounds', () => {
    const a = new Lin(1, 1);
    const b = new Lin(1, 2);
    const c = new Lin(1, 3);
    const s = new Sequential(a).extend([b]);
    s.insert(-1, c); // before the last, like list.insert(-1)
    expect([...s]).toEqual([a, c, b]);
    s.insert(3, new Double());
    expect([...s.namedChildren()].map(([k]) => k)).toEqual(['0', '1', '2', '3']);
    expect(() => s.insert(5, new Double())).toThrow(/insert index 5 is out of range \(length 4\)/);
    expect(s.pop(-1)).toBeInstanceOf(Double);
    expect(s.pop(0)).toBe(a);
    expect(Object.keys(s.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect(c.path()).toBe('Sequential.0');
    const named = new Sequential({ x: new Double(), y: new Double() });
    named.pop(0);
    expect([...named.namedChildren()].map(([k]) => k)).toEqual(['0']); // PyTorch renumbers on delete
    a.dispose();
    s.dispose();
  });
});

describe('ModuleList', () => {
  it('slice shares modules and renumbers keys (PyTorch list[1:])', () => {
    const l = new ModuleList([new Double(), new Lin(1, 1), new Lin(1, 2)]);
    const t = l.slice(1);
    expect(t.length).toBe(2);
    expect(t.at(0)).toBe(l.at(1));
    expect(Object.keys(t.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect(l.slice(-1).at(0)).toBe(l.at(2));
    l.dispose();
  });

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
    expect(() => l.append({} as Lin)).toThrow(ArgumentError);
    popped.dispose();
    l.dispose();
  });

  it('gives PyTorch keys when nested in a model', () => {
    class Net extends Module {
      blocks = this.registerModule('blocks', new ModuleList([new Lin(2, 2), new Lin(2, 2)]));
      forward(x: Tensor): Tensor {
        for (const b of this.blocks) x = b.call(x); // typed: ModuleList<Lin>
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
    // A plain record is inserted in sorted key order (PyTorch's ParameterDict); entries keep theirs.
    const rec = new ParameterDict({ b: new Parameter(ones([1])), a: new Parameter(ones([1])) });
    expect([...rec.keys()]).toEqual(['a', 'b']);
    const ent = new ParameterDict([['b', new Parameter(ones([1]))], ['a', new Parameter(ones([1]))]]);
    expect(Object.keys(ent.stateDict())).toEqual(['b', 'a']);
    rec.dispose();
    ent.dispose();
    expect(() => n.scales.call()).toThrow(/no forward/);
    n.dispose();
  });
});

describe('PyTorch parity of container keys (gen_io.py)', () => {
  it('same state_dict keys in the same order (shared modules under both prefixes), strict load, same output', () => {
    const fx = readFixture(import.meta.url, 'containers');
    const m = new Containers().eval();
    const cfg = fx.config<{ keys: string[]; shapes: Record<string, number[]> }>();
    const sd = m.stateDict();
    expect(Object.keys(sd)).toEqual(cfg.keys);
    for (const k of cfg.keys) expect(sd[k]!.shape, k).toEqual(cfg.shapes[k]);
    m.loadStateDict(withPrefix(fx.tensors, 'w.'), { strict: true });
    const y = m.call(fx.get('in.x'));
    assertClose(y, fx.get('out.eval'), { atol: 1e-4, rtol: 1e-4, name: 'Containers' });
    y.dispose();
    // A shared module's keys are required under each prefix, as in PyTorch.
    const { 'tail.1.weight': _drop, ...rest } = withPrefix(fx.tensors, 'w.');
    expect(() => m.loadStateDict(rest)).toThrow(StateDictError);
    expect(() => m.loadStateDict(rest)).toThrow(/missing keys: tail\.1\.weight/);
    fx.dispose();
    m.dispose();
  });
});
