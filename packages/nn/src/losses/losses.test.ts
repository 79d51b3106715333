import { DTypeError, initBackend } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import {
  type Tensor,
  cast,
  grads,
  logSoftmax,
  memory,
  mul,
  ones,
  randomNormal,
  reshape,
  sum,
  tensor1d,
  tensor2d,
  tensor3d,
  tidy,
  transpose,
  zeros,
} from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import {
  BCEWithLogitsLoss,
  CTCLoss,
  CrossEntropyLoss,
  KLDivLoss,
  LossShapeError,
  LossValueError,
  MSELoss,
  MultiMarginLoss,
  NLLLoss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  ctcLoss,
  gaussianNllLoss,
  l1Loss,
  mseLoss,
  multilabelMarginLoss,
  nllLoss,
  smoothL1Loss,
  tripletMarginLoss,
} from './index.js';

const int1 = (v: number[]): Tensor => tensor1d(v, 'int32');

beforeAll(async () => {
  await initBackend();
});

describe('losses: errors name the loss and expected vs got', () => {
  it('shape mismatches', () => {
    expect(() => mseLoss(zeros([2, 3]), zeros([4]))).toThrow(/mseLoss: expected target broadcastable to input \[2, 3\], got \[4\]/);
    expect(() => binaryCrossEntropy(zeros([2, 3]), zeros([3]))).toThrow(LossShapeError);
    expect(() => crossEntropy(zeros([4, 3]), int1([0, 1]))).toThrow(/crossEntropy: expected target of class indices with shape \[4\]/);
    expect(() => crossEntropy(zeros([4, 3]), int1([0, 1, 2, 0]), { weight: ones([4]) })).toThrow(/weight of shape \[3\]/);
    const crit = new CrossEntropyLoss();
    try {
      crit.call(zeros([2, 5, 7]), zeros([2, 6], 'int32'));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ShapeError);
      expect((e as Error).message).toMatch(/^CrossEntropyLoss: expected target .*\[2, 7\].*got \[2, 6\]/);
    }
    expect(() => tripletMarginLoss(zeros([2, 3]), zeros([2, 3]), zeros([3]))).toThrow(/tripletMarginLoss/);
  });

  it('class indices out of range (unless ignored)', () => {
    expect(() => crossEntropy(zeros([2, 3]), int1([0, 3]))).toThrow(/crossEntropy: target 3 at flat index 1 is out of bounds: expected a class index in \[0, 3\) or ignoreIndex -100/);
    expect(() => nllLoss(zeros([2, 3]), int1([-1, 0]))).toThrow(LossValueError);
    expect(() => new NLLLoss({ ignoreIndex: -1 }).call(zeros([2, 3]), int1([-1, 0])).dispose()).not.toThrow();
    expect(() => new MultiMarginLoss().call(zeros([2, 3]), int1([0, 5]))).toThrow(/MultiMarginLoss: target 5/);
    expect(() => multilabelMarginLoss(zeros([1, 3]), tensor2d([[0, 4, -1]], undefined, 'int32'))).toThrow(/target 4 at \[0, 1\]/);
  });

  it('CTC: target longer than input, bad labels, lengths', () => {
    const lp = tidy(() => logSoftmax(randomNormal([4, 2, 5]), -1));
    const tg = tensor2d([[1, 2, 3, 4, 1], [1, 2, 0, 0, 0]], undefined, 'int32');
    expect(() => ctcLoss(lp, tg, [4, 4], [5, 2])).toThrow(/ctcLoss: target length 5 of sample 0 is greater than its input length 4/);
    expect(() => ctcLoss(lp, tg, [4, 5], [2, 2])).toThrow(/input length 5 of sample 1 must be in \[0, 4\]/);
    expect(() => ctcLoss(lp, tensor2d([[1, 0], [1, 2]], undefined, 'int32'), [4, 4], [2, 2])).toThrow(/other than blank/);
    expect(() => new CTCLoss({ blank: 7 }).call(lp, tg, [4, 4], [1, 1])).toThrow(/CTCLoss: blank must be in \[0, 5\)/);
    const z = ctcLoss(lp, tg, [4, 4], [5, 2], { zeroInfinity: true, reduction: 'none' });
    expect(z.dataSync()[0]).toBe(0);
    for (const t of [lp, tg, z]) t.dispose();
  });

  it('bad options', () => {
    expect(() => new MSELoss({ reduction: 'avg' as never })).toThrow(/invalid reduction 'avg'/);
    expect(() => smoothL1Loss(zeros([2]), zeros([2]), { beta: -1 })).toThrow(/beta must be >= 0/);
    expect(() => new KLDivLoss({ reduction: 'batchmean' })).not.toThrow();
    expect(() => crossEntropy(zeros([2, 3]), int1([0, 1]), { labelSmoothing: 1.5 })).toThrow(/labelSmoothing/);
    expect(() => gaussianNllLoss(zeros([2, 3]), zeros([2, 3]), tensor1d([1, 1, 1]))).toThrow(/gaussianNllLoss: expected var of shape \[2, 3\]/);
    expect(() => gaussianNllLoss(zeros([2]), zeros([2]), tensor1d([1, -1]))).toThrow(/negative entry/);
  });
});

describe('losses: modules', () => {
  it('register weight / pos_weight buffers under PyTorch keys; no leaks', () => {
    const w = tensor1d([1, 2, 3]);
    const ce = new CrossEntropyLoss({ weight: w, labelSmoothing: 0.1 });
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    expect(Object.keys(new CrossEntropyLoss().stateDict())).toEqual([]);
    const bce = new BCEWithLogitsLoss({ weight: w, posWeight: w });
    expect(Object.keys(bce.stateDict())).toEqual(['weight', 'pos_weight']);
    expect(w.isDisposed).toBe(false);
    const x = randomNormal([4, 3]);
    const t = int1([0, 2, 1, 2]);
    const before = memory().numTensors;
    const l = ce.call(x, t);
    const g = grads((a: Tensor) => ce.call(a, t))([x]);
    l.dispose();
    g.forEach((v) => v.dispose());
    expect(memory().numTensors).toBe(before);
    for (const v of [w, x, t]) v.dispose();
    ce.dispose();
    bce.dispose();
  });

  it('CrossEntropyLoss equals nllLoss(logSoftmax) and refuses float class indices (as PyTorch)', () => {
    tidy(() => {
      const x = randomNormal([5, 4, 3]);
      const t = tensor2d([[0, 1, 2], [3, 3, 0], [1, 1, 1], [2, 0, 3], [0, 0, 0]], undefined, 'int32');
      assertClose(crossEntropy(x, t), nllLoss(transpose(logSoftmax(transpose(x, [0, 2, 1]), -1), [0, 2, 1]), t), { name: 'ce=nll' });
      expect(() => crossEntropy(x, cast(t, 'float32'))).toThrow(DTypeError);
      expect(() => nllLoss(x, cast(t, 'float32'))).toThrow(/nllLoss: expected target of dtype int32/);
    });
  });

  it('BCE with logits is stable for huge logits', () => {
    tidy(() => {
      const v = binaryCrossEntropyWithLogits(tensor1d([1000, -1000]), tensor1d([0, 1]), { reduction: 'none' });
      assertClose(v, [1000, 1000], { name: 'huge logits' });
    });
  });

  it('CTC: unbatched loss equals the batched loss of one sample', () => {
    tidy(() => {
      const lp = logSoftmax(randomNormal([6, 1, 4]), -1);
      const a = ctcLoss(lp, tensor2d([[1, 2]], undefined, 'int32'), [6], [2], { reduction: 'sum' });
      const b = ctcLoss(reshape(lp, [6, 4]), int1([1, 2]), 6, 2, { reduction: 'sum' });
      assertClose(b, a, { name: 'unbatched' });
    });
  });
});

describe('losses: laws (fast-check)', () => {
  it("'sum' = 'mean' · numel and 'none' sums to 'sum' (L1, MSE)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), (n, m) => {
        tidy(() => {
          const x = randomNormal([n, m]);
          const y = randomNormal([n, m]);
          for (const f of [l1Loss, mseLoss]) {
            const s = f(x, y, { reduction: 'sum' });
            assertClose(mul(f(x, y, { reduction: 'mean' }), n * m), s, { name: 'mean*n' });
            assertClose(sum(f(x, y, { reduction: 'none' })), s, { name: 'none.sum' });
          }
        });
      }),
      { numRuns: 8 },
    );
  });

  it('cross entropy with class indices and no weight (the fused op) equals the generic path (weight of ones): values and gradients', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom('mean' as const, 'sum' as const, 'none' as const),
        fc.constantFrom(0, 0.2),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (N, C, extra, reduction, labelSmoothing, unbatched, seed) => {
          tidy(() => {
            // [C] unbatched, [N, C], or [N, C, extra] (K-dim): rows with ignored targets (-100) too.
            const shape = unbatched ? [C] : extra > 0 ? [N, C, extra] : [N, C];
            const x = randomNormal(shape, 0, 2, 'float32', seed);
            const tShape = unbatched ? [] : extra > 0 ? [N, extra] : [N];
            const n = tShape.reduce((a, b) => a * b, 1);
            // Class (i·7 + seed) mod (C + 1), the value C standing for an ignored target.
            const targets = Array.from({ length: n }, (_, i) => (i * 7 + seed) % (C + 1)).map((v) => (v === C ? -100 : v));
            const t = reshape(tensor1d(targets, 'int32'), tShape);
            const opts = { reduction, labelSmoothing };
            const fused = (a: Tensor): Tensor => sum(crossEntropy(a, t, opts));
            const generic = (a: Tensor): Tensor => sum(crossEntropy(a, t, { ...opts, weight: ones([C]) }));
            const allIgnored = targets.every((v) => v === -100);
            if (allIgnored && reduction === 'mean') return; // NaN either way (the generic path runs)
            assertClose(crossEntropy(x, t, opts), crossEntropy(x, t, { ...opts, weight: ones([C]) }), { atol: 1e-5, name: 'value' });
            assertClose(grads(fused)([x])[0]!, grads(generic)([x])[0]!, { atol: 1e-5, name: 'gradient' });
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('cross-entropy gradient matches finite differences', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), fc.double({ min: 0, max: 0.5, noNaN: true }), (C, ls) => {
        tidy(() => {
          const x = randomNormal([3, C]);
          const t = int1([0, C - 1, 1 % C]);
          const f = (a: Tensor): Tensor => crossEntropy(a, t, { labelSmoothing: ls });
          const [g] = grads(f)([x]);
          const xv = x.arraySync() as number[][];
          const h = 1e-2;
          const num: number[] = [];
          for (let i = 0; i < 3; i++) {
            for (let j = 0; j < C; j++) {
              const p = xv.map((r) => r.slice());
              const q = xv.map((r) => r.slice());
              p[i]![j]! += h;
              q[i]![j]! -= h;
              num.push((f(tensor2d(p)).dataSync()[0]! - f(tensor2d(q)).dataSync()[0]!) / (2 * h));
            }
          }
          assertClose(g!, num, { atol: 2e-3, rtol: 1e-2, name: 'fd' });
        });
      }),
      { numRuns: 4 },
    );
  });
});

describe('losses on the cpu backend', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  it('cross entropy, BCE and CTC give the same values as on wasm', () => {
    tidy(() => {
      const x = tensor3d([[[0.1, -1], [2, 0.5], [0, 0]]]);
      const t = tensor2d([[1, 0]], undefined, 'int32');
      assertClose(crossEntropy(x, t, { labelSmoothing: 0.1 }), [1.2007406], { name: 'ce' });
      assertClose(binaryCrossEntropy(tensor1d([0, 1, 0.25]), tensor1d([0, 1, 1])), [Math.log(4) / 3], { name: 'bce' });
    });
  });
});
