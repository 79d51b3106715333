import { normalizeMatrix } from '../classification/confusion.js';
import { classNamesFor } from './palette.js';
import { BASE_CONFIG, type Plot, type PlotOptions, VEGA_LITE_SCHEMA } from './types.js';
import { ShapeError } from '@nnkit/tensor';

/** Options of {@link confusionMatrixPlot}. */
export interface ConfusionMatrixPlotOptions extends PlotOptions {
  /** Show rates instead of counts: per true row, per predicted column, or of all samples. */
  normalize?: 'true' | 'pred' | 'all';
  /** Vega colour scheme of the heat map; default `'blues'`. */
  scheme?: string;
}

/**
 * Heat map of a confusion matrix (rows = true class, columns = predicted class, as returned
 * by {@link confusionMatrix}) with the value written in every cell.
 *
 * @example
 * ```ts
 * const cm = confusionMatrix(logits, labels, { numClasses: 3 });
 * const plot = confusionMatrixPlot(cm, ['setosa', 'versicolor', 'virginica'], { normalize: 'true' });
 * ```
 */
export function confusionMatrixPlot(matrix: ReadonlyArray<ArrayLike<number>>, classNames?: readonly string[], opts: ConfusionMatrixPlotOptions = {}): Plot {
  const k = matrix.length;
  for (let i = 0; i < k; i++) {
    if (matrix[i]!.length !== k) throw new ShapeError('confusionMatrixPlot', `a square matrix [${k}, ${k}]`, `row ${i} of length ${matrix[i]!.length}`, 'matrix');
  }
  const names = classNamesFor(k, classNames, 'confusionMatrixPlot');
  const counts = Array.from({ length: k }, (_, i) => Array.from(matrix[i]!));
  const values = normalizeMatrix(counts, opts.normalize);
  const data: Array<Record<string, unknown>> = [];
  let max = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) max = Math.max(max, values[i]![j]!);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = values[i]![j]!;
      data.push({ true: names[i], predicted: names[j], value: v, count: counts[i]![j], dark: v > max / 2 });
    }
  }
  const cell = Math.max(28, Math.min(80, Math.floor(420 / Math.max(k, 1))));
  const size = opts.width ?? cell * k;
  const fmt = opts.normalize ? '.2f' : 'd';
  const longest = Math.max(...names.map((s) => s.length));
  const axisX = { field: 'predicted', type: 'ordinal', sort: names, title: 'Predicted label', axis: { labelAngle: longest * 7 > cell ? -30 : 0, grid: false, ticks: false } };
  const axisY = { field: 'true', type: 'ordinal', sort: names, title: 'True label', axis: { grid: false, ticks: false } };
  return {
    kind: 'confusionMatrix',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: opts.title ?? (opts.normalize ? `Confusion matrix (normalised over ${opts.normalize === 'all' ? 'all' : opts.normalize === 'true' ? 'true labels' : 'predictions'})` : 'Confusion matrix'),
      width: size,
      height: opts.height ?? size,
      data: { values: data },
      encoding: { x: axisX, y: axisY },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
          encoding: {
            color: {
              field: 'value',
              type: 'quantitative',
              title: opts.normalize ? 'rate' : 'count',
              scale: { scheme: opts.scheme ?? 'blues', domainMin: 0 },
            },
          },
        },
        {
          mark: { type: 'text', fontSize: Math.max(9, Math.min(14, cell / 4)) },
          encoding: {
            text: { field: 'value', type: 'quantitative', format: fmt },
            color: { condition: { test: 'datum.dark', value: 'white' }, value: 'black' },
          },
        },
      ],
      config: BASE_CONFIG,
    },
  };
}
