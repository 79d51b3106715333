import { beforeAll, describe, expect, it } from 'vitest';
import { memory, tensor2d, tensor3d, type Tensor } from '@tensorflow/tfjs-core';
import { initBackend } from '@nnkit/tensor';
import { assertClose, readFixture } from '@nnkit/tooling-testing';
import { centerCrop, normalize, randomCrop, randomHorizontalFlip, resize, toTensor } from './image.js';
import { compose } from './compose.js';
import { Generator } from '../core/generator.js';

beforeAll(async () => {
  await initBackend();
});

describe('image transforms vs torch/torchvision', () => {
  it('resize (bilinear, align_corners=False), centerCrop, toTensor, normalize', () => {
    const fx = readFixture(import.meta.url, 'image');
    const cfg = fx.config<{ resizes: [number, number][]; crops: [number, number][] }>();
    const img = fx.get('in.img');
    const before = memory().numTensors;
    for (const [h, w] of cfg.resizes) {
      const y = resize(img, [h, w]);
      assertClose(y, fx.get(`out.resize_${h}x${w}`), { atol: 1e-5, name: `resize ${h}x${w}` });
      y.dispose();
    }
    for (const [h, w] of cfg.crops) {
      const y = centerCrop(img, [h, w]);
      assertClose(y, fx.get(`out.center_crop_${h}x${w}`), { atol: 0, name: `centerCrop ${h}x${w}` });
      y.dispose();
    }
    const r9 = resize(img, [9, 9]);
    const single = centerCrop(r9, 4);
    expect(single.shape).toEqual([2, 3, 4, 4]);
    r9.dispose();
    single.dispose();
    const t = toTensor(fx.get('in.hwc_u8'));
    assertClose(t, fx.get('out.to_tensor'), { atol: 1e-7, name: 'toTensor' });
    const raw = fx.get('in.hwc_u8');
    const t2 = toTensor({ data: Uint8Array.from(raw.dataSync()), height: 5, width: 6 });
    assertClose(t2, fx.get('out.to_tensor'), { atol: 1e-7, name: 'toTensor raw' });
    const n = normalize(img);
    assertClose(n, fx.get('out.normalize'), { atol: 1e-5, name: 'normalize' });
    [t, t2, n].forEach((v) => v.dispose());
    expect(memory().numTensors).toBe(before);
  });

  it('resize to the smaller edge keeps the aspect ratio', () => {
    const x = tensor3d(new Float32Array(3 * 20 * 30), [3, 20, 30]);
    const y = resize(x, 10);
    expect(y.shape).toEqual([3, 10, 15]);
    expect(() => resize(tensor2d([[1]]), 3)).toThrow(/\[C, H, W\]/);
    x.dispose();
    y.dispose();
  });

  it('randomHorizontalFlip and randomCrop are seeded', () => {
    const x = tensor3d([[[1, 2, 3], [4, 5, 6]]]); // [1, 2, 3]
    const flipped = randomHorizontalFlip(x, { p: 1 });
    expect(flipped.arraySync()).toEqual([[[3, 2, 1], [6, 5, 4]]]);
    const same = randomHorizontalFlip(x, { p: 0 });
    expect(same.arraySync()).toEqual(x.arraySync());
    const c1 = randomCrop(x, [2, 2], { padding: 1, generator: new Generator(3) });
    const c2 = randomCrop(x, [2, 2], { padding: 1, generator: new Generator(3) });
    expect(c1.shape).toEqual([1, 2, 2]);
    expect(c1.arraySync()).toEqual(c2.arraySync());
    const big = randomCrop(x, [4, 5], { padIfNeeded: true, generator: new Generator(0) });
    expect(big.shape).toEqual([1, 4, 5]);
    expect(() => randomCrop(x, [3, 3])).toThrow(/larger than the input/);
    const t = compose<Tensor, Tensor>([(v: Tensor) => randomHorizontalFlip(v, { p: 1 }), (v: Tensor) => centerCrop(v, [2, 1])]);
    const ct = t(x);
    expect(ct.arraySync()).toEqual([[[2], [5]]]);
    [x, flipped, same, c1, c2, big, ct].forEach((v) => v.dispose());
  });
});

describe('image transforms on the cpu backend', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  it('resize matches torch on cpu too', () => {
    const fx = readFixture(import.meta.url, 'image');
    for (const [h, w] of fx.config<{ resizes: [number, number][] }>().resizes) {
      const y = resize(fx.get('in.img'), [h, w]);
      assertClose(y, fx.get(`out.resize_${h}x${w}`), { atol: 1e-5, name: `cpu resize ${h}x${w}` });
      y.dispose();
    }
    fx.dispose();
  });
});
