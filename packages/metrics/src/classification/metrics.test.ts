import { memory, tensor1d, tensor2d, tensor3d } from '@tensorflow/tfjs-core';
import { initBackend } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MetricInputError } from '../core/errors.js';
import {
  Accuracy,
  CohenKappa,
  F1Score,
  MetricCollection,
  RocAuc,
  accuracy,
  balancedAccuracy,
  cohenKappa,
  confusionMatrix,
  precision,
  precisionRecallF1,
  recall,
  rocAuc,
  rocCurve,
} from './index.js';

beforeAll(async () => {
  await initBackend();
});

describe('accuracy', () => {
  it('argmax of [N, C] logits, tensors or arrays, and accumulates over batches', () => {
    expect(accuracy([[2, 1], [0, 3]], [0, 0])).toBe(0.5);
    const before = memory().numTensors;
    const logits = tensor2d([[0.1, 0.5, 0.2], [3, 1, 2], [0, 0, 1]]);
    const labels = tensor1d([1, 0, 0], 'int32');
    expect(accuracy(logits, labels)).toBeCloseTo(2 / 3);
    const acc = new Accuracy();
    acc.update(logits, labels);
    acc.update([[1, 0, 0]], [0]);
    expect(acc.compute()).toBe(3 / 4);
    expect(acc.count).toBe(4);
    logits.dispose();
    labels.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('binary: one column thresholded at 0 for logits, 0.5 for probabilities', () => {
    expect(accuracy([[-1], [0.2], [3]], [0, 1, 1])).toBe(1);
    expect(accuracy([0.4, 0.6], [0, 1], { inputType: 'probs' })).toBe(1);
    expect(accuracy([0.4, 0.6], [1, 1], { inputType: 'logits' })).toBe(1);
    expect(accuracy([0.4, 0.6], [0, 0], { inputType: 'probs', threshold: 0.7 })).toBe(1);
  });

  it('topK counts a label among the k highest scores', () => {
    const s = [[0.1, 0.5, 0.4], [0.6, 0.3, 0.1], [0.2, 0.3, 0.5]];
    expect(accuracy(s, [2, 2, 0], { topK: 2 })).toBeCloseTo(1 / 3);
    expect(accuracy(s, [2, 2, 0], { topK: 3 })).toBe(1);
    expect(new Accuracy({ topK: 2 }).name).toBe('top2_accuracy');
  });

  it('one-hot labels are argmaxed', () => {
    expect(accuracy([[0.9, 0.1], [0.2, 0.8]], [[1, 0], [1, 0]])).toBe(0.5);
  });

  it('clear errors for bad input', () => {
    expect(() => accuracy([[1, 0]], [0, 1])).toThrow(/1 outputs and 2 labels/);
    expect(() => accuracy([0.3, 0.8], [0, 1])).toThrow(MetricInputError);
    expect(() => accuracy([0.3, 0.8], [0, 1])).toThrow(/inputType 'logits' or 'probs'/);
    expect(() => accuracy([[1, 0]], [0.5])).toThrow(/labels as non-negative integer/);
    expect(() => accuracy([0, 1], [0, 1], { topK: 2 })).toThrow(/outputs \[N, C\] for topK=2/);
    expect(() => confusionMatrix([0, 3], [0, 1], { numClasses: 3 })).toThrow(/class indices < numClasses=3/);
    const t3 = tensor3d([[[1]]]);
    expect(() => accuracy(t3, [0])).toThrow(/rank 1 or 2/);
    t3.dispose();
  });
});

describe('confusion-matrix metrics', () => {
  it('small worked examples', () => {
    expect(confusionMatrix([0, 2, 1, 2], [0, 1, 1, 2], { numClasses: 3 })).toEqual([[1, 0, 0], [0, 1, 1], [0, 0, 1]]);
    expect(cohenKappa([0, 1, 1, 0], [0, 1, 0, 0])).toBeCloseTo(0.5);
    expect(balancedAccuracy([0, 0, 0, 1], [0, 0, 1, 1])).toBe(0.75);
    expect(precision([0, 1, 1], [0, 1, 0], { average: 'micro' })).toBeCloseTo(2 / 3);
    expect(recall([0, 1, 1], [0, 1, 0], { average: 'macro' })).toBeCloseTo(0.75);
    expect(precisionRecallF1([0, 1, 1, 2], [0, 1, 2, 2]).f1).toBeCloseTo(7 / 9);
    const none = precisionRecallF1([0, 0], [0, 1], { average: 'none' });
    expect(none.precision).toEqual([0.5, 0]);
    expect(none.support).toEqual([1, 1]);
    expect(() => precisionRecallF1([0, 2], [0, 1], { average: 'binary' })).toThrow(/binary labels/);
  });

  it('micro F1 equals accuracy for single-label multi-class (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 40 }), (pairs) => {
        const p = pairs.map((x) => x[0]);
        const y = pairs.map((x) => x[1]);
        assertClose(precisionRecallF1(p, y, { average: 'micro' }).f1, accuracy(p, y), { atol: 1e-12 });
        const cm = confusionMatrix(p, y);
        expect(cm.flat().reduce((a, b) => a + b, 0)).toBe(pairs.length);
        // kappa is symmetric in its arguments
        const k1 = cohenKappa(p, y);
        const k2 = cohenKappa(y, p);
        if (!Number.isNaN(k1)) assertClose(k1, k2, { atol: 1e-12 });
      }),
      { numRuns: 30 },
    );
  });

  it('MetricCollection computes several by name; duplicate names are refused', () => {
    const mc = new MetricCollection([new Accuracy(), new F1Score({ average: 'macro' }), new CohenKappa()]);
    mc.update([[2, 1], [0, 3], [1, 0]], [0, 1, 1]);
    const r = mc.compute();
    expect(Object.keys(r)).toEqual(['accuracy', 'f1_macro', 'kappa']);
    expect(r.accuracy).toBeCloseTo(2 / 3);
    mc.reset();
    expect(Number.isNaN(mc.compute().accuracy)).toBe(true);
    expect(() => new MetricCollection([new Accuracy(), new Accuracy()])).toThrow(/two metrics named 'accuracy'/);
  });
});

describe('ROC', () => {
  it('worked example and AUC = P(score_pos > score_neg) with ties as 1/2 (property)', () => {
    const c = rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect(c.fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(c.tpr).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()), { minLength: 2, maxLength: 30 }), (pairs) => {
        const s = pairs.map((x) => x[0]);
        const y = pairs.map((x) => (x[1] ? 1 : 0));
        const pos = s.filter((_, i) => y[i] === 1);
        const neg = s.filter((_, i) => y[i] === 0);
        if (!pos.length || !neg.length) return;
        let u = 0;
        for (const a of pos) for (const b of neg) u += a > b ? 1 : a === b ? 0.5 : 0;
        assertClose(rocAuc(s, y), u / (pos.length * neg.length), { atol: 1e-12 });
      }),
      { numRuns: 30 },
    );
  });

  it('one class only is an error; streaming keeps column count consistent', () => {
    expect(() => rocAuc([0.1, 0.2], [1, 1])).toThrow(/both classes/);
    const auc = new RocAuc();
    auc.update([0.2, 0.9], [0, 1]);
    expect(() => auc.update([[0.2, 0.9]], [0])).toThrow(/columns/);
    expect(auc.compute()).toBe(1);
  });
});
