import { initBackend } from '@nnkit/tensor';
import { add, matMul, memory, ones, type Tensor, tensor, zeros } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Module, Parameter, StateDictError } from './index.js';

class Lin extends Module {
  weight = this.registerParameter('weight', new Parameter(ones([3, 2])));
  bias = this.registerParameter('bias', new Parameter(zeros([3])));
  forward(x: Tensor): Tensor {
    return add(matMul(x, this.weight.data, false, true), this.bias.data);
  }
}
class Net extends Module {
  fc = this.registerModule('fc', new Lin());
  stat = this.registerBuffer('count', tensor([0], undefined, 'int32'));
  tmp = this.registerBuffer('tmp', zeros([1]), { persistent: false });
  forward(x: Tensor): Tensor {
    return this.fc.call(x);
  }
}

beforeAll(async () => {
  await initBackend();
});

describe('Module', () => {
  it('registers parameters, buffers and children with dotted PyTorch keys', () => {
    const n = new Net();
    expect([...n.namedParameters()].map(([k]) => k)).toEqual(['fc.weight', 'fc.bias']);
    expect([...n.namedBuffers()].map(([k]) => k)).toEqual(['count', 'tmp']);
    expect(Object.keys(n.stateDict())).toEqual(['count', 'fc.weight', 'fc.bias']);
    expect([...n.namedModules()].map(([k]) => k)).toEqual(['', 'fc']);
    expect(n.fc.path()).toBe('Net.fc');
    n.dispose();
  });

  it('runs hooks and disposes intermediates of forward', () => {
    const n = new Net();
    const x = ones([4, 2]);
    const seen: string[] = [];
    const h1 = n.registerForwardPreHook(() => void seen.push('pre'));
    const h2 = n.registerForwardHook((_m, _i, out) => {
      seen.push('post');
      return out;
    });
    const before = memory().numTensors;
    const y = n.call(x);
    expect(memory().numTensors).toBe(before + 1);
    expect(Array.from(y.dataSync())).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    h1.remove();
    h2.remove();
    n.call(x).dispose();
    expect(seen).toEqual(['pre', 'post']);
    n.dispose();
  });

  it('train/eval propagate and apply visits children first', () => {
    const n = new Net().eval();
    expect(n.fc.training).toBe(false);
    const order: string[] = [];
    n.apply((m) => void order.push(m.constructor.name));
    expect(order).toEqual(['Lin', 'Net']);
    n.dispose();
  });

  it('strict loadStateDict names missing, unexpected and mis-shaped keys', () => {
    const n = new Net();
    const good = { count: tensor([3], undefined, 'int32'), 'fc.weight': zeros([3, 2]), 'fc.bias': ones([3]) };
    n.loadStateDict(good);
    expect(Array.from(n.fc.bias.data.dataSync())).toEqual([1, 1, 1]);
    const bad = { count: good.count, 'fc.weight': good['fc.weight'], 'fc.extra': ones([1]) };
    expect(() => n.loadStateDict(bad)).toThrow(StateDictError);
    expect(() => n.loadStateDict(bad)).toThrow(/missing keys: fc\.bias.*unexpected keys: fc\.extra/);
    expect(n.loadStateDict(bad, { strict: false })).toEqual({ missingKeys: ['fc.bias'], unexpectedKeys: ['fc.extra'] });
    expect(() => n.loadStateDict({ ...good, 'fc.bias': ones([4]) })).toThrow(/fc\.bias: expected shape \[3\], got \[4\]/);
    n.dispose();
  });
});
