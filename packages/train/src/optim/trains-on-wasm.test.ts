import { BatchNorm2d, backward, CausalConv1d, Conv2d, CrossEntropyLoss, ELU, Linear, Module } from '@nnkit/nn';
import { backendName, initBackend, manualSeed } from '@nnkit/tensor';
import { memory, randomNormal, reshape, slice, type Tensor, tensor1d } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from './index.js';

/**
 * A small EEG-TCNet-like model: depthwise spatial conv (groups, multiplier 2) and two dilated
 * causal 1-D convolutions (dilation 2 and 4) — the kernels tfjs-backend-wasm lacks gradients for.
 */
class DepthwiseDilatedNet extends Module {
  readonly spatial = this.registerModule('spatial', new Conv2d(4, 8, [6, 1], { groups: 4, bias: false }));
  readonly bn = this.registerModule('bn', new BatchNorm2d(8));
  readonly act = this.registerModule('act', new ELU());
  readonly tcn1 = this.registerModule('tcn1', new CausalConv1d(8, 8, 3, { dilation: 2 }));
  readonly tcn2 = this.registerModule('tcn2', new CausalConv1d(8, 6, 3, { dilation: 4, groups: 2 }));
  readonly head = this.registerModule('head', new Linear(6, 3));

  /** x: [B, 4, 6, T] → logits [B, 3]. */
  forward(x: Tensor): Tensor {
    const h = this.act.call(this.bn.call(this.spatial.call(x))); // [B, 8, 1, T]
    const [b, c, , t] = h.shape as [number, number, number, number];
    const seq = this.tcn2.call(this.act.call(this.tcn1.call(reshape(h, [b, c, t])))); // [B, 6, T]
    const last = reshape(slice(seq, [0, 0, t - 1], [b, 6, 1]), [b, 6]);
    return this.head.call(last);
  }
}

describe('training on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('a depthwise + dilated causal conv model trains: loss on a fixed batch falls by ≥ 50 % in 100 Adam steps, no leaks', () => {
    expect(backendName()).toBe('wasm');
    manualSeed(0);
    const model = new DepthwiseDilatedNet();
    const x = randomNormal([16, 4, 6, 40], 0, 1, 'float32', 1);
    const y = tensor1d(Array.from({ length: 16 }, (_, i) => i % 3), 'int32');
    const lossFn = new CrossEntropyLoss();
    const opt = new Adam(model.parameters(), { lr: 1e-2 });
    const losses: number[] = [];
    let afterFirst = 0;
    for (let step = 0; step < 100; step++) {
      opt.zeroGrad();
      const loss = backward(() => lossFn.call(model.call(x), y), model);
      opt.step();
      losses.push(loss.dataSync()[0]!);
      loss.dispose();
      if (step === 0) afterFirst = memory().numTensors;
    }
    expect(memory().numTensors).toBe(afterFirst);
    expect(losses.at(-1)!).toBeLessThanOrEqual(0.5 * losses[0]!);
    if (process.env.NNKIT_VERBOSE) console.log(`loss ${losses[0]} -> ${losses.at(-1)}`);
    model.dispose();
    opt.dispose();
    x.dispose();
    y.dispose();
  });
});
