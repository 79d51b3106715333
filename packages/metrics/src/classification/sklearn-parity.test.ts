import { type Tensor, memory, reshape } from '@tensorflow/tfjs-core';
import { initBackend } from '@nnkit/tensor';
import { type Fixture, assertClose, readFixture } from '@nnkit/tooling-testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Accuracy,
  BalancedAccuracy,
  CohenKappa,
  ConfusionMatrix,
  F1Score,
  Precision,
  Recall,
  RocAuc,
  accuracy,
  balancedAccuracy,
  cohenKappa,
  confusionMatrix,
  f1Score,
  precisionRecallF1,
  rocAuc,
  rocCurve,
} from './index.js';

const tol = { atol: 1e-6, rtol: 1e-6 };
const multiCases = ['tiny', 'k4_imbalanced_never_predicted', 'k5_absent_explicit', 'k6_large', 'k2_argmax'];
const binaryCases = ['binary_continuous', 'binary_ties', 'binary_tiny'];

interface Cfg {
  numClasses: number;
  explicitLabels: boolean;
  n: number;
}

function rows(t: Tensor, k: number): number[][] {
  const d = Array.from(t.dataSync());
  return Array.from({ length: d.length / k }, (_, i) => d.slice(i * k, (i + 1) * k));
}

beforeAll(async () => {
  await initBackend();
});

type Input = [Tensor | number[][], Tensor | number[]];

describe.each(multiCases)('sklearn parity, multi-class %s', (name) => {
  let fx!: Fixture;
  let cfg!: Cfg;
  let k = 0;
  let logits!: Tensor;
  let labels!: Tensor;
  let base: { numClasses?: number } = {};
  const out = (key: string): Tensor => fx.get(`out.${key}`);
  // the same data as a Tensor and as plain arrays
  const input = (kind: string): Input => (kind === 'tensor' ? [logits, labels] : [rows(logits, k), Array.from(labels.dataSync())]);
  beforeAll(() => {
    fx = readFixture(import.meta.url, `metrics_${name}`);
    cfg = fx.config<Cfg>();
    k = cfg.numClasses;
    logits = fx.get('in.logits');
    labels = fx.get('in.labels');
    base = cfg.explicitLabels ? { numClasses: k } : {};
  });

  it.each(['tensor', 'array'])('accuracy, confusion matrix, kappa, balanced accuracy (%s)', (kind) => {
    const [o, y] = input(kind);
    assertClose(accuracy(o, y), out('accuracy'), { ...tol, name: 'accuracy' });
    if (k > 2) assertClose(accuracy(o, y, { topK: 2 }), out('top2_accuracy'), { ...tol, name: 'top2' });
    const cm = confusionMatrix(o, y, base);
    expect(cm).toEqual(rows(out('confusion_matrix'), cm.length));
    for (const norm of ['true', 'pred', 'all'] as const) {
      assertClose(confusionMatrix(o, y, { ...base, normalize: norm }).flat(), out(`confusion_matrix_${norm}`), { ...tol, name: `cm ${norm}` });
    }
    assertClose(cohenKappa(o, y, base), out('kappa'), { ...tol, name: 'kappa' });
    assertClose(cohenKappa(o, y, { ...base, weights: 'linear' }), out('kappa_linear'), { ...tol, name: 'kappa linear' });
    assertClose(cohenKappa(o, y, { ...base, weights: 'quadratic' }), out('kappa_quadratic'), { ...tol, name: 'kappa quadratic' });
    assertClose(balancedAccuracy(o, y, base), out('balanced_accuracy'), { ...tol, name: 'balanced' });
    assertClose(balancedAccuracy(o, y, { ...base, adjusted: true }), out('balanced_accuracy_adjusted'), { ...tol, name: 'balanced adjusted' });
  });

  it.each(['tensor', 'array'])('precision / recall / F1, every average and zeroDivision (%s)', (kind) => {
    const [o, y] = input(kind);
    for (const zd of [0, 1]) {
      for (const avg of ['macro', 'micro', 'weighted'] as const) {
        const r = precisionRecallF1(o, y, { ...base, average: avg, zeroDivision: zd });
        assertClose(r.precision, out(`precision_${avg}_zd${zd}`), { ...tol, name: `precision ${avg} zd${zd}` });
        assertClose(r.recall, out(`recall_${avg}_zd${zd}`), { ...tol, name: `recall ${avg} zd${zd}` });
        assertClose(r.f1, out(`f1_${avg}_zd${zd}`), { ...tol, name: `f1 ${avg} zd${zd}` });
        assertClose(f1Score(o, y, { ...base, average: avg, zeroDivision: zd }), out(`f1_${avg}_zd${zd}`), tol);
      }
      const none = precisionRecallF1(o, y, { ...base, average: 'none', zeroDivision: zd });
      // sklearn lists the present classes (or all with explicit labels): same as indices here
      const present = out(`f1_none_zd${zd}`).size;
      assertClose(none.f1.slice(0, present), out(`f1_none_zd${zd}`), { ...tol, name: `f1 none zd${zd}` });
      assertClose(none.precision.slice(0, present), out(`precision_none_zd${zd}`), { ...tol, name: `precision none zd${zd}` });
      assertClose(none.recall.slice(0, present), out(`recall_none_zd${zd}`), { ...tol, name: `recall none zd${zd}` });
    }
    assertClose(f1Score(o, y, { ...base, average: 'macro', beta: 2 }), out('f2_macro_zd0'), { ...tol, name: 'f2' });
  });

  it('streaming classes over uneven batches equal the one-shot values, without leaking tensors', () => {
    const before = memory().numTensors;
    const acc = new Accuracy();
    const cm = new ConfusionMatrix(base);
    const kappa = new CohenKappa(base);
    const bal = new BalancedAccuracy(base);
    const f1 = new F1Score({ ...base, average: 'weighted' });
    const p = new Precision({ ...base, average: 'macro', zeroDivision: 1 });
    const r = new Recall({ ...base, average: 'micro' });
    const all = [acc, cm, kappa, bal, f1, p, r];
    const n = cfg.n;
    const cuts = [0, Math.floor(n / 3), Math.floor(n / 3) + 1, n];
    const logitRows = rows(logits, k);
    const y = Array.from(labels.dataSync());
    for (let b = 0; b + 1 < cuts.length; b++) {
      for (const m of all) m.update(logitRows.slice(cuts[b], cuts[b + 1]), y.slice(cuts[b], cuts[b + 1]));
    }
    assertClose(acc.compute(), out('accuracy'), tol);
    expect(cm.compute()).toEqual(rows(out('confusion_matrix'), cm.compute().length));
    assertClose(kappa.compute(), out('kappa'), tol);
    assertClose(bal.compute(), out('balanced_accuracy'), tol);
    assertClose(f1.compute(), out('f1_weighted_zd0'), tol);
    assertClose(p.compute(), out('precision_macro_zd1'), tol);
    assertClose(r.compute(), out('recall_micro_zd0'), tol);
    for (const m of all) m.reset();
    expect(Number.isNaN(acc.compute())).toBe(true);
    expect(memory().numTensors).toBe(before);
  });

  it('one-vs-rest ROC AUC', () => {
    if (!fx.tensors['out.roc_auc_ovr_macro']) return;
    const probs = rows(logits, k).map((r) => {
      const m = Math.max(...r);
      const e = r.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    });
    const y = Array.from(labels.dataSync());
    assertClose(rocAuc(probs, y), out('roc_auc_ovr_macro'), { atol: 1e-5, name: 'ovr macro' });
    assertClose(rocAuc(probs, y, { average: 'weighted' }), out('roc_auc_ovr_weighted'), { atol: 1e-5, name: 'ovr weighted' });
  });
});

describe.each(binaryCases)('sklearn parity, binary %s', (name) => {
  let fx!: Fixture;
  let scores!: Tensor;
  let labels!: Tensor;
  beforeAll(() => {
    fx = readFixture(import.meta.url, `metrics_${name}`);
    scores = fx.get('in.scores');
    labels = fx.get('in.labels');
  });
  const out = (key: string): Tensor => fx.get(`out.${key}`);

  it('ROC curve and AUC (ties, dropIntermediate)', () => {
    assertClose(rocAuc(scores, labels), out('roc_auc'), { ...tol, name: 'auc' });
    const c = rocCurve(scores, labels);
    assertClose(c.fpr, out('roc_fpr'), { ...tol, name: 'fpr' });
    assertClose(c.tpr, out('roc_tpr'), { ...tol, name: 'tpr' });
    expect(c.thresholds[0]).toBe(Number.POSITIVE_INFINITY);
    assertClose(c.thresholds.slice(1), out('roc_thresholds_tail'), { ...tol, name: 'thresholds' });
    const all = rocCurve(Array.from(scores.dataSync()), Array.from(labels.dataSync()), { dropIntermediate: false });
    assertClose(all.fpr, out('roc_fpr_all'), { ...tol, name: 'fpr all' });
    assertClose(all.tpr, out('roc_tpr_all'), { ...tol, name: 'tpr all' });
    // [N, 2] probabilities: column 1 is the positive class
    const two = Array.from(scores.dataSync(), (s) => [-s, s]);
    assertClose(rocAuc(two, labels), out('roc_auc'), tol);
    const streaming = new RocAuc();
    const s = Array.from(scores.dataSync());
    const y = Array.from(labels.dataSync());
    const h = Math.ceil(s.length / 2);
    streaming.update(s.slice(0, h), y.slice(0, h));
    streaming.update(s.slice(h), y.slice(h));
    assertClose(streaming.compute(), out('roc_auc'), tol);
  });

  it('binary accuracy, P/R/F1, kappa, confusion matrix from one score column', () => {
    const col = reshape(scores, [-1, 1]);
    assertClose(accuracy(col, labels), out('accuracy_logits'), tol);
    assertClose(accuracy(scores, labels, { inputType: 'logits' }), out('accuracy_logits'), tol);
    const probs = Array.from(scores.dataSync(), (s) => 1 / (1 + Math.exp(-s)));
    assertClose(accuracy(probs, labels, { inputType: 'probs' }), out('accuracy_probs'), tol);
    const r = precisionRecallF1(col, labels, { average: 'binary' });
    assertClose(r.precision, out('precision_binary'), tol);
    assertClose(r.recall, out('recall_binary'), tol);
    assertClose(r.f1, out('f1_binary'), tol);
    assertClose(cohenKappa(col, labels), out('kappa'), tol);
    expect(confusionMatrix(col, labels).flat()).toEqual(Array.from(out('confusion_matrix').dataSync()));
    col.dispose();
  });
});
