import { initBackend, manualSeed } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import { abs, grads, memory, mul, profile, randomNormal, sum, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Sequential } from './containers/index.js';
import { BatchNorm1d, BatchNorm2d, ReLU } from './layers/basic/index.js';
import { Conv1d, Conv2d, Conv2dWithConstraint } from './layers/conv/index.js';

function net(): Sequential {
  return new Sequential(
    new Conv2d(3, 4, [2, 3], { padding: 1 }),
    new BatchNorm2d(4),
    new ReLU(),
    new Conv2dWithConstraint(4, 8, [3, 1], { groups: 4, maxNorm: 0.5 }),
    new Conv2d(8, 6, 1, { groups: 2 }),
  );
}

async function kernels(f: () => void): Promise<number> {
  return (await profile(f)).kernels.length;
}

describe('Module.cacheWeights (wasm)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('gives the same eval outputs with fewer kernels, and frees its tensors when turned off', async () => {
    const m = net();
    const x = randomNormal([2, 3, 6, 7]);
    for (let i = 0; i < 2; i++) tidy(() => void m.call(x)); // train-mode steps: running stats move
    m.eval().cacheWeights(false);
    const plain = m.call(x);
    const before = memory().numTensors;
    const k0 = await kernels(() => tidy(() => void m.call(x)));
    m.cacheWeights();
    tidy(() => void m.call(x));
    const k1 = await kernels(() => tidy(() => void m.call(x)));
    expect(k1).toBeLessThan(k0);
    assertClose(m.call(x), plain, { atol: 1e-6, rtol: 1e-6, name: 'cached eval output' });
    expect(memory().numTensors).toBeGreaterThan(before + 1); // the cache holds tensors (+ the output above)
    m.cacheWeights(false);
    expect(memory().numTensors).toBe(before + 1);
    m.dispose();
  });

  it('notices every change of the weights (assign, loadStateDict, running statistics)', () => {
    manualSeed(3); // deterministic weights and input
    const m = net().eval().cacheWeights();
    const x = randomNormal([2, 3, 6, 7], 0, 1, 'float32', 5);
    const y0 = m.call(x);
    const conv = m.at(0) as Conv2d;
    tidy(() => conv.weight.assign(mul(conv.weight.data, 2)));
    const fresh = net();
    fresh.loadStateDict(m.stateDict());
    fresh.eval();
    assertClose(m.call(x), fresh.call(x), { atol: 1e-6, name: 'after assign' });
    const bn = m.at(1) as BatchNorm2d;
    tidy(() => bn.runningVar!.assign(mul(bn.runningVar!, 3)));
    fresh.loadStateDict(m.stateDict());
    assertClose(m.call(x), fresh.call(x), { atol: 1e-6, name: 'after running var change' });
    expect(Math.abs(sum(m.call(x)).dataSync()[0]! - sum(y0).dataSync()[0]!)).toBeGreaterThan(1e-3);
    m.dispose();
    fresh.dispose();
  });

  it('keeps gradients to the weights in eval mode (a recording tape bypasses the cache)', () => {
    const m = net().eval().cacheWeights();
    const x = randomNormal([2, 3, 6, 7]);
    tidy(() => void m.call(x));
    const ref = net();
    ref.loadStateDict(m.stateDict());
    ref.eval();
    const params = (mm: Sequential): Tensor[] => [...mm.parameters()].map((p) => p.data);
    const g = grads((...ws: Tensor[]) => { void ws; return sum(m.call(x)); })(params(m));
    const gr = grads((...ws: Tensor[]) => { void ws; return sum(ref.call(x)); })(params(ref));
    g.forEach((t, i) => assertClose(t, gr[i]!, { atol: 1e-5, name: `grad ${i}` }));
    expect(g.some((t) => sum(abs(t)).dataSync()[0]! > 0)).toBe(true);
    m.dispose();
    ref.dispose();
  });

  it('covers BatchNorm1d at both input ranks and Conv1d', () => {
    const m = new Sequential(new Conv1d(2, 3, 3, { padding: 'same' }), new BatchNorm1d(3)).eval().cacheWeights(false);
    const x = randomNormal([2, 2, 9]);
    const plain = m.call(x);
    m.cacheWeights();
    tidy(() => void m.call(x));
    assertClose(m.call(x), plain, { atol: 1e-6, name: 'Conv1d + BatchNorm1d [B, C, L]' });
    const bn = new BatchNorm1d(3).eval();
    const x2 = randomNormal([4, 3]);
    const x3 = randomNormal([4, 3, 5]);
    const a2 = bn.call(x2);
    const a3 = bn.call(x3);
    bn.cacheWeights(false);
    assertClose(bn.call(x2), a2, { atol: 1e-6, name: 'BatchNorm1d [B, C]' });
    assertClose(bn.call(x3), a3, { atol: 1e-6, name: 'BatchNorm1d [B, C, L]' });
    m.dispose();
    bn.dispose();
  });
});
