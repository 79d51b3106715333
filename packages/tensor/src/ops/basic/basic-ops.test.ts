import {
  add,
  cast,
  grads,
  matMul,
  reshape,
  equal,
  erf,
  ones,
  grad,
  memory,
  mul,
  randomNormal,
  randomUniform,
  sum,
  type Tensor,
  tensor1d,
  tensor3d,
  tidy,
  zeros,
} from '@tensorflow/tfjs-core';
import { assertClose, type Fixture, readFixture } from '@nnkit/tooling-testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.js';
import {
  bmm,
  dropout,
  dropout2d,
  flatten,
  gelu,
  getRngState,
  linear,
  logSoftmax,
  manualSeed,
  nextSeed,
  permute,
  randomFloat,
  setRngState,
  softmax,
  squeeze,
  unsqueeze,
} from './index.js';

const tol = { atol: 1e-4, rtol: 1e-4 };

function parity(backend: 'wasm' | 'cpu'): void {
  let fx: Fixture;
  beforeAll(() => {
    fx = readFixture(import.meta.url, 'ops');
  });
  afterAll(() => fx.dispose());
  for (const d of [0, 1, 2, -1, -2, -3]) {
    for (const [name, fn] of [['softmax', softmax], ['log_softmax', logSoftmax]] as const) {
      it(`${name} dim ${d} matches PyTorch (value and gradient, ${backend})`, () => {
        const x = fx.get('in.x');
        const r = fx.get(`in.r.${name}.${d}`);
        const before = memory().numTensors;
        const y = fn(x, d);
        const g = grad((t: Tensor) => sum(mul(fn(t, d), r)))(x);
        assertClose(y, fx.get(`out.${name}.${d}`), { ...tol, name: `${name}.${d}` });
        assertClose(g, fx.get(`grad.in.${name}.${d}`), { ...tol, name: `grad ${name}.${d}` });
        y.dispose();
        g.dispose();
        expect(memory().numTensors).toBe(before);
      });
    }
  }
  for (const approx of ['none', 'tanh'] as const) {
    it(`gelu '${approx}' matches PyTorch on [-8, 8] (value and gradient, ${backend})`, () => {
      const x = fx.get('in.g');
      const y = gelu(x, approx);
      const g = grad((t: Tensor) => sum(gelu(t, approx)))(x);
      assertClose(y, fx.get(`out.gelu.${approx}`), { atol: 1e-5, rtol: 1e-5, name: `gelu ${approx}` });
      assertClose(g, fx.get(`grad.in.gelu.${approx}`), { atol: 1e-5, rtol: 1e-5, name: `gelu grad ${approx}` });
      tidy(() => [y, g]).forEach((t) => t.dispose());
    });
  }
  it(`the backend's erf kernel is accurate to 1e-6 (${backend})`, () => {
    assertClose(erf(fx.get('in.g')), fx.get('out.erf'), { atol: 1e-6, rtol: 0, name: 'erf' });
  });
  it(`softmax / logSoftmax are stable for huge logits (${backend})`, () => {
    const big = fx.get('in.big');
    assertClose(softmax(big, -1), fx.get('out.softmax_big'), { atol: 1e-6, rtol: 1e-5 });
    assertClose(softmax(big, 0), fx.get('out.softmax_big0'), { atol: 1e-6, rtol: 1e-5 });
    assertClose(logSoftmax(big, -1), fx.get('out.log_softmax_big'), { atol: 1e-4, rtol: 1e-5 });
  });
}

describe('basic ops on wasm', () => {
  beforeAll(async () => {
    await initBackend();
  });
  parity('wasm');

  it('softmax sums to 1 along the chosen dim (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), fc.nat(), (shape, k) => {
        const dim = (k % (2 * shape.length)) - shape.length;
        tidy(() => {
          const s = sum(softmax(randomNormal(shape, 0, 5), dim), dim);
          assertClose(s, ones(s.shape), { atol: 1e-5 });
        });
      }),
      { numRuns: 15 },
    );
  });

  it('rejects out-of-range dims with a PyTorch-like message', () => {
    const x = zeros([2, 3]);
    expect(() => softmax(x, 2)).toThrow(/softmax: dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)/);
    expect(() => logSoftmax(x, -3)).toThrow(/out of range/);
  });

  it('permute / flatten / squeeze / unsqueeze follow torch', () => {
    const x = zeros([2, 3, 4, 5]);
    expect(permute(x, [0, 2, -1, 1]).shape).toEqual([2, 4, 5, 3]);
    expect(() => permute(x, [0, 1, 1, 2])).toThrow(/repeated dim/);
    expect(() => permute(x, [0, 1])).toThrow(/don't match/);
    expect(flatten(x).shape).toEqual([120]);
    expect(flatten(x, 1).shape).toEqual([2, 60]);
    expect(flatten(x, 1, 2).shape).toEqual([2, 12, 5]);
    expect(flatten(x, -3, -2).shape).toEqual([2, 12, 5]);
    expect(() => flatten(x, 2, 1)).toThrow(/cannot come after/);
    expect(unsqueeze(x, -1).shape).toEqual([2, 3, 4, 5, 1]);
    expect(unsqueeze(x, 0).shape).toEqual([1, 2, 3, 4, 5]);
    expect(squeeze(zeros([2, 1, 3]), 1).shape).toEqual([2, 3]);
    expect(squeeze(zeros([2, 1, 3]), 0).shape).toEqual([2, 1, 3]);
    expect(squeeze(zeros([1, 2, 1])).shape).toEqual([2]);
    const p = tensor3d([[[1, 2, 3], [4, 5, 6]]]);
    expect(Array.from(permute(p, [2, 1, 0]).dataSync())).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('flatten keeps the element count for any shape and dims (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 5 }), fc.nat(), fc.nat(), (shape, a, b) => {
        const r = shape.length;
        const [s, e] = [a % r, b % r].sort((u, v) => u - v) as [number, number];
        const y = tidy(() => flatten(zeros(shape), s, e));
        expect(y.rank).toBe(r - (e - s));
        expect(y.size).toBe(shape.reduce((u, v) => u * v, 1));
        y.dispose();
      }),
      { numRuns: 20 },
    );
  });

  it('bmm multiplies batches and explains bad shapes', () => {
    const a = randomNormal([3, 2, 4]);
    const b = randomNormal([3, 4, 5]);
    expect(bmm(a, b).shape).toEqual([3, 2, 5]);
    expect(() => bmm(a, a)).toThrow(/bmm: expected operands of shape \[B, N, M\] x \[B, M, P\].*got \[3, 2, 4\] x \[3, 2, 4\]/);
    expect(() => bmm(zeros([2, 2]), b)).toThrow(/bmm: expected operands of shape 3-D tensors .*, got \[2, 2\] and/);
  });

  it('manualSeed makes nextSeed and random ops reproducible; state round-trips', () => {
    manualSeed(123);
    const a = [nextSeed(), nextSeed(), nextSeed()];
    manualSeed(123);
    expect([nextSeed(), nextSeed(), nextSeed()]).toEqual(a);
    manualSeed(124);
    expect(nextSeed()).not.toBe(a[0]);
    const s = getRngState();
    const u1 = randomUniform([5], 0, 1, 'float32', nextSeed()).dataSync();
    const f1 = randomFloat();
    setRngState(JSON.parse(JSON.stringify(s)) as typeof s);
    expect(randomUniform([5], 0, 1, 'float32', nextSeed()).dataSync()).toEqual(u1);
    expect(randomFloat()).toBe(f1);
    expect(a.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 31)).toBe(true);
    expect(() => setRngState({ algorithm: 'mt' } as never)).toThrow(/getRngState/);
    expect(() => manualSeed(1.5)).toThrow(/integer/);
    manualSeed(2 ** 40 + 7); // large seeds are folded, not rejected
    expect(Number.isInteger(nextSeed())).toBe(true);
  });

  it('dropout: identity when not training or p=0, zeros with p=1, scaled mask otherwise', () => {
    const x = randomUniform([1000], 1, 2);
    assertClose(dropout(x, 0.5, false), x);
    assertClose(dropout(x, 0), x);
    expect(sum(dropout(x, 1)).dataSync()[0]).toBe(0);
    manualSeed(7);
    const y = dropout(x, 0.3).dataSync();
    const xs = x.dataSync();
    let zerosN = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i] === 0) zerosN++;
      else expect(Math.abs(y[i]! - xs[i]! / 0.7)).toBeLessThan(1e-5);
    }
    expect(zerosN / 1000).toBeGreaterThan(0.24);
    expect(zerosN / 1000).toBeLessThan(0.36);
    manualSeed(7);
    expect(dropout(x, 0.3).dataSync()).toEqual(y);
    expect(() => dropout(x, 1.5)).toThrow(/between 0 and 1/);
  });

  it('dropout2d zeroes whole channels', () => {
    manualSeed(3);
    const y = dropout2d(randomUniform([4, 16, 3, 5], 1, 2), 0.5);
    const perChan = sum(cast(equal(y, 0), 'float32'), [2, 3]).dataSync();
    for (const c of perChan) expect([0, 15]).toContain(c);
    expect(Array.from(perChan).filter((c) => c === 15).length).toBeGreaterThan(10);
  });

  it('ops free their intermediates', () => {
    const x = randomNormal([3, 4, 5]);
    const before = memory().numTensors;
    for (const t of [softmax(x, 0), softmax(x, -1), logSoftmax(x, 1), gelu(x), gelu(x, 'tanh'), flatten(x, 1), permute(x, [2, 0, 1])]) t.dispose();
    const g = grad((t: Tensor) => sum(gelu(softmax(t, 1))))(x);
    g.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('linear matches matMul + bias, with the same gradients as tfjs autodiff', () => {
    const x = randomNormal([2, 3, 5]);
    const w = randomNormal([4, 5]);
    const b = randomNormal([4]);
    const up = randomNormal([2, 3, 4]);
    const ref = (a: Tensor, ww: Tensor, bb: Tensor): Tensor => add(reshape(matMul(reshape(a, [6, 5]), ww, false, true), [2, 3, 4]), bb);
    assertClose(linear(x, w, b), ref(x, w, b), { atol: 1e-5 });
    const g1 = grads((a: Tensor, ww: Tensor, bb: Tensor) => sum(mul(linear(a, ww, bb), up)))([x, w, b]);
    const g2 = grads((a: Tensor, ww: Tensor, bb: Tensor) => sum(mul(ref(a, ww, bb), up)))([x, w, b]);
    g1.forEach((g, i) => assertClose(g, g2[i]!, { atol: 1e-4, name: `grad ${i}` }));
    const gx = grad((a: Tensor) => sum(linear(a, w)))(x);
    expect(gx.shape).toEqual([2, 3, 5]);
    expect(linear(tensor1d([1, 2, 3, 4, 5]), w).shape).toEqual([4]);
    expect(() => linear(zeros([2, 4]), w)).toThrow(/linear: expected inputs of shape x \[\*, 5\] and weight \[out, in\], got x \[2, 4\]/);
    expect(() => linear(x, w, zeros([3]))).toThrow(/linear: expected bias of shape \[4\], got \[3\]/);
  });

  it('gelu rejects unknown approximations', () => {
    expect(() => gelu(tensor1d([1]), 'erf' as never)).toThrow(/'none' or 'tanh'/);
  });
});

describe('basic ops on cpu', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  parity('cpu');
});
