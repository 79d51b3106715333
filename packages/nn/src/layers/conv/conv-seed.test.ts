import { initBackend, manualSeed } from '@nnkit/tensor';
import { beforeAll, expect, it } from 'vitest';
import { Conv1d, Conv2d } from './conv.js';

beforeAll(async () => {
  await initBackend('wasm');
});

it('initialises convolution weights and biases from the seeded global RNG (same seed, same weights)', () => {
  const init = (): number[][] => {
    manualSeed(5);
    const a = new Conv1d(2, 3, 3);
    const b = new Conv2d(2, 2, [1, 3]);
    const out = [a.weight, a.bias!, b.weight, b.bias!].map((p) => Array.from(p.data.dataSync()));
    a.dispose();
    b.dispose();
    return out;
  };
  const first = init();
  expect(init()).toEqual(first);
  manualSeed(6);
  const other = new Conv1d(2, 3, 3);
  expect(Array.from(other.weight.data.dataSync())).not.toEqual(first[0]);
  other.dispose();
});
