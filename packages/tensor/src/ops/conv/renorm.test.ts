import { memory, randomNormal, reshape, sqrt, square, sum, tensor, tidy } from '@tensorflow/tfjs-core';
import { assertClose } from '@nnkit/tooling-testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import { renorm } from './renorm.js';

describe('renorm', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('scales only slices whose norm exceeds maxnorm (torch.renorm)', () => {
    // torch.renorm(torch.tensor([[3.,4.],[0.3,0.4]]), 2, 0, 1.0)
    const w = tensor([[3, 4], [0.3, 0.4]]);
    const out = renorm(w, 2, 0, 1);
    assertClose(out, [0.6 * (5 / (5 + 1e-7)), 0.8 * (5 / (5 + 1e-7)), 0.3, 0.4], { atol: 1e-6 });
    // dim 1, p 1
    const o2 = renorm(w, 1, 1, 1);
    assertClose(o2, [3 / 3.3, 4 / 4.4, 0.3 / 3.3, 0.4 / 4.4], { atol: 1e-6 });
  });

  it('works on 4-D conv weights and does not leak', () => {
    const w = randomNormal([4, 1, 3, 2]);
    const before = memory().numTensors;
    const out = renorm(w, 2, 0, 0.5);
    expect(memory().numTensors).toBe(before + 1);
    const norms = tidy(() => sqrt(sum(square(reshape(out, [4, -1])), 1)).dataSync());
    for (const n of norms) expect(n).toBeLessThanOrEqual(0.5 + 1e-5);
    expect(() => renorm(w, 2, 4, 1)).toThrow(/dim 4/);
  });
});
