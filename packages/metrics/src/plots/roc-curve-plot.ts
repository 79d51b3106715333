import type { RocCurve } from '../classification/roc.js';
import { CLASS_COLORS } from './palette.js';
import { BASE_CONFIG, type Plot, type PlotOptions, VEGA_LITE_SCHEMA } from './types.js';
import { ArgumentError } from '@nnkit/tensor';

/**
 * ROC curves (from {@link rocCurve}) with the chance diagonal; the legend shows each curve's
 * AUC when given.
 *
 * @example
 * ```ts
 * const c = rocCurve(scores, labels); // scores: [N], labels: [N]
 * const plot = rocCurvePlot({ model: c }, { auc: { model: rocAuc(scores, labels) } });
 * ```
 */
export function rocCurvePlot(curves: Record<string, RocCurve>, opts: PlotOptions & { auc?: Record<string, number> } = {}): Plot {
  const names = Object.keys(curves);
  if (names.length === 0) throw new ArgumentError('rocCurvePlot', 'expected at least one { name: RocCurve }');
  const label = (n: string): string => (opts.auc?.[n] !== undefined ? `${n} (AUC ${opts.auc[n].toFixed(3)})` : n);
  const data: Array<Record<string, unknown>> = [];
  for (const n of names) {
    const c = curves[n]!;
    if (c.fpr.length !== c.tpr.length) throw new ArgumentError('rocCurvePlot', `curve '${n}' has ${c.fpr.length} fpr and ${c.tpr.length} tpr values`);
    c.fpr.forEach((f, i) => data.push({ fpr: f, tpr: c.tpr[i], curve: label(n), order: i }));
  }
  const size = opts.width ?? 360;
  const axis = (field: string, title: string): Record<string, unknown> => ({ field, type: 'quantitative', title, scale: { domain: [0, 1] } });
  return {
    kind: 'rocCurve',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: opts.title ?? 'ROC curve',
      width: size,
      height: opts.height ?? size,
      layer: [
        {
          data: { values: [{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }] },
          mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
          encoding: { x: axis('fpr', 'False positive rate'), y: axis('tpr', 'True positive rate') },
        },
        {
          data: { values: data },
          mark: { type: 'line', strokeWidth: 2.2, interpolate: 'linear' },
          encoding: {
            x: axis('fpr', 'False positive rate'),
            y: axis('tpr', 'True positive rate'),
            order: { field: 'order', type: 'quantitative' },
            color: { field: 'curve', type: 'nominal', title: null, scale: { range: CLASS_COLORS }, legend: { orient: 'bottom-right', fillColor: 'white', padding: 6 } },
          },
        },
      ],
      config: BASE_CONFIG,
    },
  };
}
