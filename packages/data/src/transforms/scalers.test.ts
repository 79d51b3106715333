import { beforeAll, describe, expect, it } from 'vitest';
import { memory, tensor3d } from '@tensorflow/tfjs-core';
import { initBackend } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import { MinMaxScaler, ZScore, minMaxNormalize } from './scalers.js';

beforeAll(async () => {
  await initBackend();
});

describe('scalers', () => {
  it('minMaxNormalize scales every feature to [0, 1]', () => {
    const { data, scaler } = minMaxNormalize([[1, 10, 5], [3, 20, 5], [2, 15, 5]]);
    expect(data).toEqual([[0, 0, 0], [1, 1, 0], [0.5, 0.5, 0]]);
    expect(scaler.getState()).toEqual({ shift: [1, 10, 5], scale: [2, 10, 1] });
    expect(new MinMaxScaler().setState(scaler.getState()).transform([[5, 30, 6]])).toEqual([[2, 2, 1]]);
  });

  it('ZScore per channel on [N, C, T], fitted on train only; no leaks', () => {
    const train = tensor3d([[[1, 2, 3], [10, 10, 10]], [[3, 4, 5], [20, 20, 20]]]); // [2, 2, 3]
    const before = memory().numTensors;
    const z = new ZScore().fit(train);
    const st = z.getState();
    assertClose(st.shift, [3, 15], { name: 'mean' });
    const m0 = [1, 2, 3, 3, 4, 5];
    const sd0 = Math.sqrt(m0.reduce((s, v) => s + (v - 3) ** 2, 0) / 6);
    assertClose(st.scale, [sd0, 5], { name: 'std' });
    const y = z.transform(train);
    assertClose(y, [(1 - 3) / sd0, (2 - 3) / sd0, 0, -1, -1, -1, 0, 1 / sd0, 2 / sd0, 1, 1, 1], { name: 'z' });
    y.dispose();
    expect(memory().numTensors).toBe(before);
    expect(() => z.transform([[1, 2, 3]])).toThrow(/fitted on 2/);
    expect(() => new ZScore().transform(train)).toThrow(/fit/);
    train.dispose();
  });
});
