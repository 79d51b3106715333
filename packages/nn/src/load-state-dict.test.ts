import * as tf from '@tensorflow/tfjs-core';
import { DTypeError, initBackend } from '@nnkit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { StateDictError } from './errors.js';
import { BatchNorm1d, Linear } from './layers/basic/index.js';
import { Module } from './module.js';

class Net extends Module {
  fc1 = this.registerModule('fc1', new Linear(4, 4));
  bn = this.registerModule('bn', new BatchNorm1d(4));
  fc2 = this.registerModule('fc2', new Linear(4, 2));
  forward(x: tf.Tensor): tf.Tensor {
    return this.fc2.call(tf.relu(this.bn.call(this.fc1.call(x))));
  }
}

const values = (m: Module): Record<string, number[]> =>
  Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]));

describe.each(['wasm', 'cpu'] as const)('loadStateDict (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it("loads a module's own stateDict as a no-op (Linear), and the module stays usable", () => {
    const m = new Linear(3, 2);
    const x = tf.ones([2, 3]);
    const before = Array.from(m.call(x).dataSync());
    const n0 = tf.memory().numTensors;
    expect(m.loadStateDict(m.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(tf.memory().numTensors).toBe(n0);
    expect(Array.from(m.call(x).dataSync())).toEqual(before);
    m.loadStateDict(m.stateDict());
    expect(Array.from(m.call(x).dataSync())).toEqual(before);
    m.dispose();
  });

  it('loads its own stateDict with buffers (BatchNorm, int32 counter)', () => {
    const m = new Net();
    const before = values(m);
    m.loadStateDict(m.stateDict());
    expect(values(m)).toEqual(before);
    m.dispose();
  });

  it('swaps values between two keys of the same shape', () => {
    const m = new Linear(2, 2, { bias: false });
    const other = new Linear(2, 2, { bias: false });
    const a = Array.from(m.weight.data.dataSync());
    const b = Array.from(other.weight.data.dataSync());
    other.loadStateDict(m.stateDict());
    m.loadStateDict({ weight: other.weight.data });
    expect(Array.from(m.weight.data.dataSync())).toEqual(a);
    expect(Array.from(other.weight.data.dataSync())).toEqual(a);
    expect(b).not.toEqual(a);
    m.dispose();
    other.dispose();
  });

  it('changes nothing when one shape among many is wrong (all or nothing)', () => {
    const m = new Net();
    const before = values(m);
    const dict = { ...tf.tidy(() => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, tf.add(t, 1)]))) };
    dict['fc2.bias'] = tf.zeros([3]);
    expect(() => m.loadStateDict(dict)).toThrow(StateDictError);
    expect(values(m)).toEqual(before);
    Object.values(dict).forEach((t) => t.dispose());
    m.dispose();
  });

  it('changes nothing on a missing key (strict), and names the module', () => {
    const m = new Net();
    const before = values(m);
    const dict = tf.tidy(() => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, tf.add(t, 1)])));
    const missing = dict['bn.running_var']!;
    delete dict['bn.running_var'];
    expect(() => m.loadStateDict(dict)).toThrow(/Net.*missing keys: bn\.running_var/);
    expect(values(m)).toEqual(before);
    [...Object.values(dict), missing].forEach((t) => t.dispose());
    m.dispose();
  });

  it('refuses an int32 weight with a DTypeError naming the key, unchanged, leaking nothing', () => {
    const m = new Net();
    const before = values(m);
    const w = tf.zeros([4, 4], 'int32');
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const err = (() => {
        try {
          m.loadStateDict({ ...m.stateDict(), 'fc1.weight': w });
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(DTypeError);
      expect((err as Error).message).toMatch(/Net\.fc1\.weight: expected state_dict value of dtype float32, got int32/);
    }
    expect(tf.memory().numTensors).toBe(n0);
    expect(values(m)).toEqual(before);
    w.dispose();
    m.dispose();
  });

  it('refuses a bool weight', () => {
    const m = new Linear(2, 1);
    const b = tf.tensor1d([true], 'bool');
    expect(() => m.loadStateDict({ weight: m.weight.data, bias: b })).toThrow(DTypeError);
    b.dispose();
    m.dispose();
  });

  it('accepts a float32 value for an int32 counter (num_batches_tracked), as a cast', () => {
    const bn = new BatchNorm1d(2);
    const n = tf.scalar(7);
    bn.loadStateDict({ ...bn.stateDict(), num_batches_tracked: n });
    expect(bn.stateDict()['num_batches_tracked']!.dtype).toBe('int32');
    expect(bn.stateDict()['num_batches_tracked']!.dataSync()[0]).toBe(7);
    n.dispose();
    bn.dispose();
  });

  it('refuses a disposed tensor without touching the module', () => {
    const m = new Linear(2, 1);
    const w = tf.zeros([1, 2]);
    w.dispose();
    const before = values(m);
    expect(() => m.loadStateDict({ weight: w, bias: m.bias!.data })).toThrow(StateDictError);
    expect(values(m)).toEqual(before);
    m.dispose();
  });
});
