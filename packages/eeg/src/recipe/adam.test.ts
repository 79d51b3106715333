import { initBackend } from '@nnkit/tensor';
import { Parameter } from '@nnkit/nn';
import { Adam } from '@nnkit/train';
import { memory, tensor } from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { RecipeAdam } from './adam.js';

beforeAll(async () => {
  await initBackend();
});

it("the recipe's Adam makes the same updates as @nnkit/train's Adam (PyTorch 1.13)", () => {
  const init = [0.5, -1.25, 2, 0.1];
  const a = new Parameter(tensor(init));
  const b = new Parameter(tensor(init));
  const before = memory().numTensors;
  const oa = new RecipeAdam([a], 1e-2);
  const ob = new Adam([b], { lr: 1e-2 });
  for (let s = 1; s <= 4; s++) {
    const g = [0.3 * s, -0.2, 1 / s, s % 2 ? 0.05 : -0.5];
    a.setGrad(tensor(g));
    b.setGrad(tensor(g));
    oa.step();
    ob.step();
    oa.zeroGrad();
    ob.zeroGrad();
  }
  const da = a.data.dataSync();
  const db = b.data.dataSync();
  for (let i = 0; i < 4; i++) expect(da[i]).toBeCloseTo(db[i]!, 6);
  oa.dispose();
  ob.dispose();
  expect(memory().numTensors).toBe(before);
});
