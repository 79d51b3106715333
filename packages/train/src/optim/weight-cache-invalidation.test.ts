import { BatchNorm2d, backward, Conv2d, Module, ReLU } from '@nnkit/nn';
import { initBackend, manualSeed } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import { abs, mean, randomNormal, square, sub, sum, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, SGD } from './index.js';

// The eval-mode weight cache (on by default in @nnkit/nn) must notice optimizer steps: an eval
// call after a step equals a fresh, uncached module loaded with the stepped state.

class Net extends Module {
  readonly conv = this.registerModule('conv', new Conv2d(2, 4, 3, { padding: 1 }));
  readonly bn = this.registerModule('bn', new BatchNorm2d(4));
  readonly act = this.registerModule('act', new ReLU());
  readonly out = this.registerModule('out', new Conv2d(4, 3, 1));
  /** x: [B, 2, H, W] → [B, 3, H, W]. */
  forward(x: Tensor): Tensor {
    return this.out.call(this.act.call(this.bn.call(this.conv.call(x))));
  }
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`optimizer steps invalidate the eval weight cache (${backend})`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });

    for (const [name, make] of [
      ['SGD', (m: Module) => new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 })],
      ['Adam', (m: Module) => new Adam(m.parameters(), { lr: 1e-2 })],
    ] as const) {
      it(`${name}: eval after each step equals a fresh uncached module with the same state`, () => {
        manualSeed(1);
        const m = new Net();
        const opt = make(m);
        const x = randomNormal([3, 2, 5, 6]);
        let prev: Tensor | null = null;
        for (let step = 0; step < 3; step++) {
          m.train();
          opt.zeroGrad();
          backward(() => mean(square(m.call(x))), m).dispose();
          opt.step();
          m.eval();
          for (let i = 0; i < 2; i++) m.call(x).dispose(); // fills the cache, then uses it
          const y = m.call(x);
          const fresh = new Net().eval().cacheWeights(false);
          fresh.loadStateDict(m.stateDict());
          const r = fresh.call(x);
          assertClose(y, r, { atol: 1e-6, rtol: 1e-6, name: `${name} step ${step + 1}` });
          if (prev) expect(tidy(() => sum(abs(sub(prev!, y))).dataSync()[0]!)).toBeGreaterThan(1e-5);
          prev?.dispose();
          prev = y;
          r.dispose();
          fresh.dispose();
        }
        prev?.dispose();
        x.dispose();
        opt.dispose();
        m.dispose();
      });
    }
  });
}
