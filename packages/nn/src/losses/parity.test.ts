import { initBackend } from '@nnkit/tensor';
import { assertClose, type Fixture, parityCases, readFixture, readFixtureConfig } from '@nnkit/tooling-testing';
import { type Tensor, grads, mul, sum } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as L from './index.js';

type Opts = Record<string, unknown>;
type Fn = (a: Tensor[], o: Opts) => Tensor;
const a = (xs: Tensor[], i: number): Tensor => xs[i]!;

/** Functional form of each loss, by the name the generator uses. */
const FUNCTIONAL: Record<string, Fn> = {
  l1Loss: (x, o) => L.l1Loss(a(x, 0), a(x, 1), o),
  mseLoss: (x, o) => L.mseLoss(a(x, 0), a(x, 1), o),
  smoothL1Loss: (x, o) => L.smoothL1Loss(a(x, 0), a(x, 1), o),
  huberLoss: (x, o) => L.huberLoss(a(x, 0), a(x, 1), o),
  binaryCrossEntropy: (x, o) => L.binaryCrossEntropy(a(x, 0), a(x, 1), o),
  binaryCrossEntropyWithLogits: (x, o) => L.binaryCrossEntropyWithLogits(a(x, 0), a(x, 1), o),
  crossEntropy: (x, o) => L.crossEntropy(a(x, 0), a(x, 1), o),
  nllLoss: (x, o) => L.nllLoss(a(x, 0), a(x, 1), o),
  poissonNllLoss: (x, o) => L.poissonNllLoss(a(x, 0), a(x, 1), o),
  klDiv: (x, o) => L.klDiv(a(x, 0), a(x, 1), o),
  marginRankingLoss: (x, o) => L.marginRankingLoss(a(x, 0), a(x, 1), a(x, 2), o),
  hingeEmbeddingLoss: (x, o) => L.hingeEmbeddingLoss(a(x, 0), a(x, 1), o),
  softMarginLoss: (x, o) => L.softMarginLoss(a(x, 0), a(x, 1), o),
  multiMarginLoss: (x, o) => L.multiMarginLoss(a(x, 0), a(x, 1), o),
  multilabelMarginLoss: (x, o) => L.multilabelMarginLoss(a(x, 0), a(x, 1), o),
  cosineEmbeddingLoss: (x, o) => L.cosineEmbeddingLoss(a(x, 0), a(x, 1), a(x, 2), o),
  tripletMarginLoss: (x, o) => L.tripletMarginLoss(a(x, 0), a(x, 1), a(x, 2), o),
  ctcLoss: (x, o) => L.ctcLoss(a(x, 0), a(x, 1), a(x, 2), a(x, 3), o),
  gaussianNllLoss: (x, o) => L.gaussianNllLoss(a(x, 0), a(x, 1), a(x, 2), o),
  multilabelSoftMarginLoss: (x, o) => L.multilabelSoftMarginLoss(a(x, 0), a(x, 1), o),
};

/** Module form of each loss. */
const MODULES: Record<string, (o: Opts) => L.Loss> = {
  l1Loss: (o) => new L.L1Loss(o),
  mseLoss: (o) => new L.MSELoss(o),
  smoothL1Loss: (o) => new L.SmoothL1Loss(o),
  huberLoss: (o) => new L.HuberLoss(o),
  binaryCrossEntropy: (o) => new L.BCELoss(o),
  binaryCrossEntropyWithLogits: (o) => new L.BCEWithLogitsLoss(o),
  crossEntropy: (o) => new L.CrossEntropyLoss(o),
  nllLoss: (o) => new L.NLLLoss(o),
  poissonNllLoss: (o) => new L.PoissonNLLLoss(o),
  klDiv: (o) => new L.KLDivLoss(o),
  marginRankingLoss: (o) => new L.MarginRankingLoss(o),
  hingeEmbeddingLoss: (o) => new L.HingeEmbeddingLoss(o),
  softMarginLoss: (o) => new L.SoftMarginLoss(o),
  multiMarginLoss: (o) => new L.MultiMarginLoss(o),
  multilabelMarginLoss: (o) => new L.MultiLabelMarginLoss(o),
  cosineEmbeddingLoss: (o) => new L.CosineEmbeddingLoss(o),
  tripletMarginLoss: (o) => new L.TripletMarginLoss(o),
  ctcLoss: (o) => new L.CTCLoss(o),
  gaussianNllLoss: (o) => new L.GaussianNLLLoss(o),
  multilabelSoftMarginLoss: (o) => new L.MultiLabelSoftMarginLoss(o),
};

interface Case {
  name: string;
  fn: string;
  args: string[];
  grads: string[];
  opts: Opts;
  tensorOpts: string[];
  reduction: string;
}

const TOL = { atol: 1e-4, rtol: 1e-4 };

beforeAll(async () => {
  await initBackend();
});

for (const family of ['regression', 'binary', 'ce', 'prob', 'margin', 'ctc']) {
  describe(`losses parity with PyTorch: ${family}`, () => {
    const cases = readFixtureConfig<{ cases: Case[] }>(import.meta.url, `losses_${family}`).cases;
    let fx: Fixture;
    beforeAll(() => {
      fx = readFixture(import.meta.url, `losses_${family}`);
    });
    afterAll(() => fx.dispose());

    it('has cases with input gradients', () => expect(cases.filter((c) => c.grads.length > 0).length).toBeGreaterThan(0));

    parityCases('values (functional and module) and input gradients within 1e-4', cases, (c) => {
      const fn = FUNCTIONAL[c.fn]!;
      const opts: Opts = { reduction: c.reduction };
      for (const [k, v] of Object.entries(c.opts)) opts[k] = v === 'inf' ? Infinity : v;
      for (const k of c.tensorOpts) opts[k] = fx.get(`in.${c.name}.${k}`);
      const args = c.args.map((k) => fx.get(`in.${c.name}.${k}`));
      const expected = fx.get(`out.${c.name}`);
      const out = fn(args, opts);
      assertClose(out, expected, { ...TOL, name: `${c.name} value` });
      out.dispose();
      const mod = MODULES[c.fn]!(opts);
      const mout = (mod.call as (...x: unknown[]) => Tensor)(...args);
      assertClose(mout, expected, { ...TOL, name: `${c.name} module value` });
      mout.dispose();
      mod.dispose();
      if (c.grads.length) {
        const idx = c.grads.map((k) => c.args.indexOf(k));
        const r = fx.get(`in.${c.name}.r`);
        const gs = grads((...xs: Tensor[]) => {
          const all = args.slice();
          idx.forEach((j, i) => (all[j] = xs[i]!));
          const l = fn(all, opts);
          return c.reduction === 'none' ? sum(mul(l, r)) : l;
        })(idx.map((j) => args[j]!));
        c.grads.forEach((k, i) => assertClose(gs[i]!, fx.get(`grad.in.${c.name}.${k}`), { ...TOL, name: `${c.name} grad ${k}` }));
        for (const g of gs) g.dispose();
      }
    });
  });
}
