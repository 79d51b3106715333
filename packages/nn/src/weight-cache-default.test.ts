import { initBackend } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import { abs, add, mean, memory, mul, profile, randomNormal, scalar, square, sub, sum, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { backward } from './autograd/index.js';
import { Sequential } from './containers/index.js';
import { BatchNorm2d, ReLU } from './layers/basic/index.js';
import { Conv2d, Conv2dWithConstraint } from './layers/conv/index.js';

// The eval-mode weight cache is on by default: every way a weight or buffer can change must be
// noticed (the next call equals a freshly built module with the same state), and the cache must
// stay bounded and be freed by train() and dispose().

function net(): Sequential {
  return new Sequential(
    new Conv2d(3, 4, [2, 3], { padding: 1 }),
    new BatchNorm2d(4),
    new ReLU(),
    new Conv2dWithConstraint(4, 8, [3, 1], { groups: 4, maxNorm: 0.5 }),
    new Conv2d(8, 6, 1, { groups: 2 }),
  );
}

/** The output of a fresh, uncached module holding `m`'s current state. */
function reference(m: Sequential, x: Tensor): Tensor {
  const fresh = net().eval().cacheWeights(false);
  fresh.loadStateDict(m.stateDict());
  const y = fresh.call(x);
  fresh.dispose();
  return y;
}

function expectFresh(m: Sequential, x: Tensor, name: string): void {
  const y = m.call(x);
  const r = reference(m, x);
  assertClose(y, r, { atol: 1e-6, rtol: 1e-6, name });
  y.dispose();
  r.dispose();
}

/** An eval-mode module whose cache is filled (two calls), with moved running statistics. */
function warmed(x: Tensor): Sequential {
  const m = net();
  tidy(() => void m.call(randomNormal([4, 3, 6, 7]))); // train-mode step: running stats move
  m.eval();
  for (let i = 0; i < 2; i++) tidy(() => void m.call(x));
  return m;
}

function sumAbsDiff(a: Tensor, b: Tensor): number {
  return tidy(() => sum(abs(sub(a, b))).dataSync()[0]!);
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`default weight cache (${backend})`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });

    it('is on by default: repeated eval calls run fewer kernels than with cacheWeights(false)', async () => {
      const x = randomNormal([2, 3, 6, 7]);
      const m = warmed(x);
      const cached = (await profile(() => tidy(() => void m.call(x)))).kernels.length;
      m.cacheWeights(false);
      const plain = (await profile(() => tidy(() => void m.call(x)))).kernels.length;
      expect(m.weightCaching).toBe(false);
      expect(new Conv2d(1, 1, 1).weightCaching).toBe(true);
      expect(cached).toBeLessThan(plain);
      m.dispose();
      x.dispose();
    });

    it('notices Parameter.assign (a user in-place edit)', () => {
      const x = randomNormal([2, 3, 6, 7]);
      const m = warmed(x);
      const y0 = m.call(x);
      const conv = m.at(0) as Conv2d;
      tidy(() => conv.weight.assign(mul(conv.weight.data, -1.5)));
      const y1 = m.call(x);
      expect(sumAbsDiff(y0, y1)).toBeGreaterThan(1e-3);
      expectFresh(m, x, 'after Parameter.assign');
      m.dispose();
      [x, y0, y1].forEach((t) => t.dispose());
    });

    it('notices a bias, a batch-norm weight and a running-statistics buffer change', () => {
      const x = randomNormal([2, 3, 6, 7]);
      const m = warmed(x);
      const bn = m.at(1) as BatchNorm2d;
      tidy(() => (m.at(4) as Conv2d).bias!.assign(add((m.at(4) as Conv2d).bias!.data, 0.25)));
      expectFresh(m, x, 'after bias assign');
      tidy(() => bn.weight!.assign(mul(bn.weight!.data, 2)));
      expectFresh(m, x, 'after BN weight assign');
      tidy(() => bn.runningMean!.assign(add(bn.runningMean!, 0.5)));
      expectFresh(m, x, 'after running_mean assign');
      bn.resetRunningStats();
      expectFresh(m, x, 'after resetRunningStats');
      m.dispose();
      x.dispose();
    });

    it('notices loadStateDict', () => {
      const x = randomNormal([2, 3, 6, 7]);
      const m = warmed(x);
      const other = warmed(x);
      const y0 = m.call(x);
      m.loadStateDict(other.stateDict());
      const y1 = m.call(x);
      const yo = other.call(x);
      assertClose(y1, yo, { atol: 1e-6, rtol: 1e-6, name: 'after loadStateDict' });
      expect(sumAbsDiff(y0, y1)).toBeGreaterThan(1e-3);
      m.dispose();
      other.dispose();
      [x, y0, y1, yo].forEach((t) => t.dispose());
    });

    it('notices a gradient step (backward + the update an optimizer makes) and train()/eval() round trips', () => {
      const x = randomNormal([2, 3, 6, 7]);
      const m = warmed(x);
      const y0 = m.call(x);
      m.train();
      const loss = backward(() => mean(square(m.call(x))), m);
      loss.dispose();
      tidy(() => {
        for (const p of m.parameters()) if (p.grad) p.assign(sub(p.data, mul(scalar(0.1), p.grad)));
      });
      m.eval();
      const y1 = m.call(x);
      expect(sumAbsDiff(y0, y1)).toBeGreaterThan(1e-4);
      expectFresh(m, x, 'after a gradient step');
      m.dispose();
      [x, y0, y1].forEach((t) => t.dispose());
    });

    it('train() frees the cache; numTensors stays bounded over many eval calls', () => {
      const x = randomNormal([2, 3, 6, 7]);
      const m = net();
      tidy(() => void m.call(x));
      const trained = memory().numTensors;
      m.eval();
      tidy(() => void m.call(x));
      const filled = memory().numTensors;
      expect(filled).toBeGreaterThan(trained); // the cache holds derived weights
      for (let i = 0; i < 50; i++) tidy(() => void m.call(x));
      expect(memory().numTensors).toBe(filled);
      m.train();
      expect(memory().numTensors).toBe(trained);
      m.eval();
      for (let i = 0; i < 3; i++) {
        // the weights change between calls: each change replaces the cached tensors, never adds
        const conv = m.at(0) as Conv2d;
        tidy(() => conv.weight.assign(mul(conv.weight.data, 0.9)));
        tidy(() => void m.call(x));
        expect(memory().numTensors).toBe(filled);
      }
      m.dispose();
      x.dispose();
    });

    it('a disposed module frees its cache (numTensors back to where it was before the module)', () => {
      const x = randomNormal([2, 3, 6, 7]);
      const before = memory().numTensors;
      const m = warmed(x);
      expect(memory().numTensors).toBeGreaterThan(before);
      m.dispose();
      expect(memory().numTensors).toBe(before);
      x.dispose();
    });
  });
}
