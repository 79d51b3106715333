import type { MetricInput } from '../core/inputs.js';
import { classColors, classNamesFor } from './palette.js';
import { readPoints } from './points.js';
import { BASE_CONFIG, type Plot, type PlotOptions, VEGA_LITE_SCHEMA } from './types.js';

/** Options of {@link scatterPlot}. */
export interface ScatterPlotOptions extends PlotOptions {
  /** Names of classes 0..K-1 (legend); default `class 0`, `class 1`, …. */
  classNames?: readonly string[];
  /** Axis titles `[x, y]`; default `['feature 0', 'feature 1']`. */
  featureNames?: readonly [string, string];
  /** Point size in square pixels; default 50. */
  pointSize?: number;
}

/** Rows of the point layer, shared with the decision-boundary plot. */
export function pointRows(xy: Float64Array, n: number, y: Int32Array | undefined, names: string[]): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({ x: xy[i * 2], y: xy[i * 2 + 1], class: y ? names[y[i]!] : 'points' }));
}

/** Encoding of the point layer. */
export function pointLayer(names: string[], featureNames: readonly [string, string], size: number, colored: boolean): Record<string, unknown> {
  return {
    mark: { type: 'point', filled: true, size, opacity: 0.9, stroke: 'white', strokeWidth: 0.6 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: featureNames[0], scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: featureNames[1], scale: { zero: false } },
      color: colored
        ? { field: 'class', type: 'nominal', title: 'class', scale: { domain: names, range: classColors(names.length) } }
        : { value: CLASSLESS },
      shape: colored ? { field: 'class', type: 'nominal', title: 'class', scale: { domain: names } } : { value: 'circle' },
    },
  };
}

const CLASSLESS = '#4e79a7';

/**
 * 2-D scatter plot of points `[N, 2]` coloured (and shaped) by class.
 *
 * @example
 * ```ts
 * // petal length vs petal width of iris, coloured by species
 * const plot = scatterPlot(x2, y, { classNames: ['setosa', 'versicolor', 'virginica'], featureNames: ['petal length (cm)', 'petal width (cm)'] });
 * ```
 */
export function scatterPlot(points: MetricInput, labels?: MetricInput, opts: ScatterPlotOptions = {}): Plot {
  const { xy, n, y } = readPoints(points, labels, 'scatterPlot');
  let k = 0;
  if (y) for (const v of y) k = Math.max(k, v + 1);
  k = Math.max(k, opts.classNames?.length ?? 0);
  const names = classNamesFor(k, opts.classNames, 'scatterPlot');
  const features = opts.featureNames ?? ['feature 0', 'feature 1'];
  return {
    kind: 'scatter',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      ...(opts.title ? { title: opts.title } : {}),
      width: opts.width ?? 420,
      height: opts.height ?? 340,
      data: { values: pointRows(xy, n, y, names) },
      ...pointLayer(names, features, opts.pointSize ?? 50, y !== undefined),
      config: BASE_CONFIG,
    },
  };
}
