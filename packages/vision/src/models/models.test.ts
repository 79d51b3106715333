import { initBackend, ShapeError } from '@nnkit/tensor';
import { readFixture, withPrefix } from '@nnkit/tooling-testing';
import { checkModuleCase } from '@nnkit/tooling-testing/parity';
import { memory, zeros } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttentionUNet, type AttentionUNetOptions } from './attention-unet.js';
import { LeNet } from './lenet.js';

const log: string[] = [];
beforeAll(async () => {
  await initBackend();
});
afterAll(() => {
  if (log.length) console.log(log.join('\n'));
});

const CASES: Array<[string, 'lenet' | 'aunet']> = [
  ['lenet-c7b3', 'lenet'],
  ['aunet-d4-odd', 'aunet'],
  ['aunet-d2-rgb', 'aunet'],
  ['aunet-d3-small', 'aunet'],
];


describe('parity with the PyTorch references (tooling/parity/generators/gen_vision.py)', () => {
  for (const [name, kind] of CASES) {
    it(`${name}: strict load; eval and train outputs, input and parameter gradients, state after ≤ 1e-4`, () => {
      const fx = readFixture(import.meta.url, name);
      const cfg = fx.config<AttentionUNetOptions & { numClasses: number; shape: number[] }>();
      expect(fx.get('in.x').shape).toEqual(cfg.shape);
      const model = kind === 'lenet' ? new LeNet({ numClasses: cfg.numClasses }) : new AttentionUNet(cfg);
      model.loadStateDict(withPrefix(fx.tensors, 'w.'), { strict: true });
      checkModuleCase(model, fx.tensors, name, log);
      fx.dispose();
      model.dispose();
    }, 60_000);
  }
});

describe('shapes and errors', () => {
  it('LeNet has 61,706 parameters and refuses anything but [B, 1, 32, 32]', () => {
    const m = new LeNet();
    expect(m.parameters().reduce((n, p) => n + p.size, 0)).toBe(61_706);
    const x = zeros([2, 3, 32, 32]);
    expect(() => m.call(x)).toThrow(ShapeError);
    expect(() => m.call(x)).toThrow(/^LeNet: expected input of shape \[B, 1, 32, 32\].*got \[2, 3, 32, 32\]/);
    x.dispose();
    m.dispose();
  });

  it('AttentionUNet keeps any H, W (odd included) and names a wrong channel count or too small an image', () => {
    const m = new AttentionUNet({ inChannels: 1, numClasses: 3, base: 4, depth: 3 }).eval();
    m.cacheWeights(false); // counts tensors around single calls
    const before = memory().numTensors;
    for (const [h, w] of [[4, 4], [5, 7], [31, 18]] as const) {
      const x = zeros([1, 1, h, w]);
      const y = m.call(x);
      expect(y.shape).toEqual([1, 3, h, w]);
      [x, y].forEach((t) => t.dispose());
    }
    expect(memory().numTensors).toBe(before);
    const rgb = zeros([1, 3, 16, 16]);
    expect(() => m.call(rgb)).toThrow(/^AttentionUNet: expected input of shape \[B, 1, H, W\] with H, W >= 4/);
    const tiny = zeros([1, 1, 3, 16]);
    expect(() => m.call(tiny)).toThrow(/3 × 16 is too small for 2 poolings/);
    [rgb, tiny].forEach((t) => t.dispose());
    expect(() => new AttentionUNet({ depth: 0 })).toThrow(/depth must be a positive integer/);
    m.dispose();
  });
});
