import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argMax, matMul, memory, mul, square, sub, sum, tensor2d, tensor3d, tidy, transpose } from '@tensorflow/tfjs-core';
import { ArgumentError, initBackend } from '@nnkit/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPng, renderSvg, writePlot } from '../plots-node.js';
import { rocAuc, rocCurve } from '../classification/index.js';
import { type TrainingHistory, attentionOverlay, confusionMatrixPlot, decisionBoundaryPlot, rocCurvePlot, scatterPlot, trainingCurves } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'nnkit-metrics-'));

beforeAll(async () => {
  await initBackend();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function history(): TrainingHistory {
  const h: TrainingHistory = { stepLosses: [], devLosses: [], devScores: [], epochLosses: [], scoreName: 'accuracy' };
  for (let s = 1; s <= 60; s++) h.stepLosses.push([s, Math.exp(-s / 20) + 0.05 * Math.sin(s)]);
  for (let e = 1; e <= 6; e++) {
    h.devLosses.push([e * 10, Math.exp(-e / 2) + 0.1]);
    h.devScores.push([e * 10, 1 - 0.5 * Math.exp(-e / 2)]);
    h.epochLosses!.push([e * 10, Math.exp(-e / 2)]);
  }
  return h;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): [number, number] {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [v.getUint32(16), v.getUint32(20)];
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('trainingCurves', () => {
  it('two panels with axis titles, legends and title in the SVG; a plausible PNG', async () => {
    const plot = trainingCurves(history(), { title: 'Iris MLP training' });
    expect(plot.kind).toBe('trainingCurves');
    expect((plot.spec.hconcat as unknown[]).length).toBe(2);
    const svg = await renderSvg(plot);
    for (const text of ['Iris MLP training', 'Step', 'Loss', 'Dev accuracy', 'train loss (step)', 'train loss (epoch)', 'dev loss', 'dev accuracy']) {
      expect(svg, text).toContain(text);
    }
    const png = await renderPng(plot, { scale: 1 });
    expect(Array.from(png.subarray(0, 8))).toEqual(PNG_SIGNATURE);
    const [w, h] = pngSize(png);
    expect(w).toBeGreaterThan(700);
    expect(w).toBeLessThan(1400);
    expect(h).toBeGreaterThan(300);
    expect(h).toBeLessThan(700);
  });

  it('works without epoch losses and rejects malformed histories', () => {
    const h = history();
    delete h.epochLosses;
    expect(JSON.stringify(trainingCurves(h).spec)).not.toContain('train loss (epoch)');
    expect(() => trainingCurves({ stepLosses: [] } as unknown as TrainingHistory)).toThrow(/TrainingHistory/);
    expect(() => trainingCurves({ ...h, devLosses: [[1] as unknown as [number, number]] })).toThrow(/devLosses\[0\]/);
  });
});

describe('confusionMatrixPlot', () => {
  const cm = [[50, 0, 0], [0, 45, 5], [0, 3, 47]];
  it('heat map with class names and cell values (counts or rates)', async () => {
    const svg = await renderSvg(confusionMatrixPlot(cm, ['setosa', 'versicolor', 'virginica']));
    for (const text of ['Predicted label', 'True label', 'setosa', 'virginica', '>45<', '>5<']) expect(svg, text).toContain(text);
    const norm = await renderSvg(confusionMatrixPlot(cm, ['a', 'b', 'c'], { normalize: 'true' }));
    expect(norm).toContain('>0.90<');
    expect(norm).toContain('normalised over true labels');
  });
  it('rejects a non-square matrix and too few names', () => {
    expect(() => confusionMatrixPlot([[1, 2]], ['a'])).toThrow(/square matrix/);
    expect(() => confusionMatrixPlot(cm, ['a'])).toThrow(/at least 3 class names/);
  });
});

describe('scatterPlot and decisionBoundaryPlot', () => {
  const pts = [[1, 1], [1.5, 2], [4, 4], [5, 4.5], [8, 1], [7.5, 2]];
  const y = [0, 0, 1, 1, 2, 2];
  const names = ['red', 'green', 'blue'];

  it('scatter: feature names on the axes, classes in the legend; tensors accepted', async () => {
    const t = tensor2d(pts);
    const svg = await renderSvg(scatterPlot(t, y, { classNames: names, featureNames: ['petal length', 'petal width'] }));
    t.dispose();
    for (const text of ['petal length', 'petal width', 'red', 'green', 'blue']) expect(svg, text).toContain(text);
    expect(() => scatterPlot([1, 2, 3], y)).toThrow(/\[N, 2\]/);
    expect(() => scatterPlot(pts, [0, 1])).toThrow(/6 labels/);
  });

  it('decision boundary from an async tensor classifier: merged regions, points on top, no leaks', async () => {
    const before = memory().numTensors;
    const centres = tensor2d([[1.25, 1.5], [4.5, 4.25], [7.75, 1.5]]);
    const predict = async (grid: Float32Array): Promise<Int32Array> => {
      const cls = tidy(() => {
        const g = tensor2d(grid, [grid.length / 2, 2]);
        // 2 g·c - |c|² is the squared distance up to a per-row constant → argmax = nearest centre
        const d = sub(mul(matMul(g, transpose(centres)), 2), sum(square(centres), 1));
        return argMax(d, 1);
      });
      const out = (await cls.data()) as Int32Array;
      cls.dispose();
      return out;
    };
    const plot = await decisionBoundaryPlot(predict, { points: pts, labels: y, classNames: names, resolution: 40, featureNames: ['x0', 'x1'] });
    centres.dispose();
    expect(memory().numTensors).toBe(before);
    const layers = plot.spec.layer as Array<{ data: { values: unknown[] } }>;
    expect(layers[0]!.data.values.length).toBeLessThan(40 * 4); // run-length merged, not 1600 cells
    expect(layers[1]!.data.values.length).toBe(6);
    const svg = await renderSvg(plot);
    for (const text of ['x0', 'x1', 'red', 'green', 'blue', 'Decision regions']) expect(svg, text).toContain(text);
    await expect(decisionBoundaryPlot(() => [0, 1], { xRange: [0, 1], yRange: [0, 1], resolution: 4 })).rejects.toThrow(/16 classes/);
    await expect(decisionBoundaryPlot(() => [], {})).rejects.toThrow(/xRange or points/);
  });
});

describe('rocCurvePlot', () => {
  it('curve with AUC in the legend and axis titles', async () => {
    const s = [0.1, 0.4, 0.35, 0.8, 0.7, 0.2];
    const y = [0, 0, 1, 1, 1, 0];
    const svg = await renderSvg(rocCurvePlot({ model: rocCurve(s, y) }, { auc: { model: rocAuc(s, y) } }));
    for (const text of ['False positive rate', 'True positive rate', 'model (AUC 0.889)', 'ROC curve']) expect(svg, text).toContain(text);
    expect(() => rocCurvePlot({})).toThrow(/at least one/);
  });
});

describe('writePlot', () => {
  it('writes .svg, .png and .json by extension and refuses others', async () => {
    const plot = scatterPlot([[0, 0], [1, 1]], [0, 1]);
    await writePlot(plot, join(dir, 'p.svg'));
    await writePlot(plot, join(dir, 'p.png'));
    await writePlot(plot, join(dir, 'p.json'));
    expect(readFileSync(join(dir, 'p.svg'), 'utf8').startsWith('<svg')).toBe(true);
    expect(Array.from(readFileSync(join(dir, 'p.png')).subarray(0, 8))).toEqual(PNG_SIGNATURE);
    expect(JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')).$schema).toContain('vega-lite');
    await expect(writePlot(plot, join(dir, 'p.jpg'))).rejects.toThrow(/\.svg, \.png or \.json/);
  });
});

describe('attentionOverlay', () => {
  it('draws a coarse map over a grayscale or RGB image, with a marker; a plausible PNG', async () => {
    const img = Array.from({ length: 16 }, (_, i) => Array.from({ length: 20 }, (_, j) => Math.sin(i / 3) + Math.cos(j / 4)));
    const map = [[0.1, 0.2, 0.7], [0.0, 0.5, 0.3]];
    const plot = attentionOverlay(img, map, { marker: [0, 2], title: 'overlay test' });
    expect(plot.kind).toBe('attentionOverlay');
    const svg = await renderSvg(plot);
    expect(svg).toContain('overlay test');
    expect(svg).toContain('attention');
    const png = await renderPng(plot);
    expect(pngSize(png)[0]).toBeGreaterThan(200);
    const before = memory().numTensors;
    const rgb = tensor3d([1, 2, 3, 4, 5, 6], [3, 1, 2]);
    const m = tensor2d([[1, 2]]);
    const p2 = attentionOverlay(rgb, m);
    expect((p2.spec.layer as unknown[]).length).toBe(2);
    expect(((p2.spec.layer as { data: { values: { fill: string }[] } }[])[0]!.data.values)[1]!.fill).toBe('#3399ff');
    rgb.dispose();
    m.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('rejects malformed inputs with an nnkit ArgumentError', () => {
    expect(() => attentionOverlay([[1, 2], [3]], [[1]])).toThrow(/rows of length 2/);
    expect(() => attentionOverlay([[1]], [[1]], { opacity: 2 })).toThrow(ArgumentError);
  });
});
