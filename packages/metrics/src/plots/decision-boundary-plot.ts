import type { MetricInput } from '../core/inputs.js';
import { classColors, classNamesFor } from './palette.js';
import { readPoints } from './points.js';
import { pointLayer, pointRows } from './scatter-plot.js';
import { BASE_CONFIG, type Plot, type PlotOptions, VEGA_LITE_SCHEMA } from './types.js';
import { ArgumentError } from '@nnkit/tensor';

/** A classifier of 2-feature inputs: grid `[M, 2]` row-major → class index per row `[M]`. */
export type GridPredictor = (grid: Float32Array) => Int32Array | ArrayLike<number> | Promise<Int32Array | ArrayLike<number>>;

/** Options of {@link decisionBoundaryPlot}. */
export interface DecisionBoundaryOptions extends PlotOptions {
  /** `[min, max]` of feature 0; default the points' range plus 5 % margin. */
  xRange?: [number, number];
  /** `[min, max]` of feature 1; default the points' range plus 5 % margin. */
  yRange?: [number, number];
  /** Grid cells per axis; default 100. */
  resolution?: number;
  /** Data points `[N, 2]` drawn over the class map. */
  points?: MetricInput;
  /** Their classes `[N]`. */
  labels?: MetricInput;
  /** Names of classes 0..K-1. */
  classNames?: readonly string[];
  /** Axis titles `[x, y]`. */
  featureNames?: readonly [string, string];
  /** Opacity of the class map; default 0.3. */
  regionOpacity?: number;
}

function range(opt: [number, number] | undefined, xy: Float64Array | undefined, axis: number, name: string): [number, number] {
  if (opt) {
    if (!(opt[1] > opt[0])) throw new ArgumentError('decisionBoundaryPlot', `expected ${name} [min, max] with max > min, got [${opt.join(', ')}]`);
    return opt;
  }
  if (!xy || xy.length === 0) throw new ArgumentError('decisionBoundaryPlot', `expected ${name} or points to set the plotted range`);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = axis; i < xy.length; i += 2) {
    lo = Math.min(lo, xy[i]!);
    hi = Math.max(hi, xy[i]!);
  }
  const pad = (hi - lo || 1) * 0.05;
  return [lo - pad, hi + pad];
}

/**
 * Class map of a 2-feature classifier with the data points over it. `predict` receives the
 * cell centres of a `resolution × resolution` grid as a row-major Float32Array `[M, 2]` and
 * returns the class of each (sync or async — e.g. run the model on a tensor and `argMax`).
 * Neighbouring cells of one class are merged into one rectangle, so the figure stays small.
 *
 * @example
 * ```ts
 * const plot = await decisionBoundaryPlot(
 *   (grid) => tidy(() => argMax(model.call(tensor2d(grid, [grid.length / 2, 2])), 1)).data(),
 *   { points: x2, labels: y, classNames: ['setosa', 'versicolor', 'virginica'] },
 * );
 * ```
 */
export async function decisionBoundaryPlot(predict: GridPredictor, opts: DecisionBoundaryOptions = {}): Promise<Plot> {
  const pts = opts.points === undefined ? undefined : readPoints(opts.points, opts.labels, 'decisionBoundaryPlot');
  const [x0, x1] = range(opts.xRange, pts?.xy, 0, 'xRange');
  const [y0, y1] = range(opts.yRange, pts?.xy, 1, 'yRange');
  const r = opts.resolution ?? 100;
  if (!Number.isInteger(r) || r < 2 || r > 1000) throw new ArgumentError('decisionBoundaryPlot', `expected resolution an integer in [2, 1000], got ${r}`);
  const dx = (x1 - x0) / r;
  const dy = (y1 - y0) / r;
  const grid = new Float32Array(r * r * 2);
  for (let j = 0; j < r; j++) {
    for (let i = 0; i < r; i++) {
      grid[(j * r + i) * 2] = x0 + (i + 0.5) * dx;
      grid[(j * r + i) * 2 + 1] = y0 + (j + 0.5) * dy;
    }
  }
  const cls = await predict(grid);
  if (cls.length !== r * r) throw new ArgumentError('decisionBoundaryPlot', `expected predict to return ${r * r} classes (one per grid row), got ${cls.length}`);
  let k = opts.classNames?.length ?? 0;
  for (let m = 0; m < cls.length; m++) {
    const c = cls[m]!;
    if (!Number.isInteger(c) || c < 0) throw new ArgumentError('decisionBoundaryPlot', `expected predict to return class indices, got ${c} at ${m}`);
    k = Math.max(k, c + 1);
  }
  if (pts?.y) for (const v of pts.y) k = Math.max(k, v + 1);
  const names = classNamesFor(k, opts.classNames, 'decisionBoundaryPlot');
  // run-length encode every grid row into rectangles
  const cells: Array<Record<string, unknown>> = [];
  for (let j = 0; j < r; j++) {
    let start = 0;
    for (let i = 1; i <= r; i++) {
      if (i === r || cls[j * r + i] !== cls[j * r + start]) {
        cells.push({ x: x0 + start * dx, x2: x0 + i * dx, y: y0 + j * dy, y2: y0 + (j + 1) * dy, class: names[cls[j * r + start]!] });
        start = i;
      }
    }
  }
  const features = opts.featureNames ?? ['feature 0', 'feature 1'];
  const color = { field: 'class', type: 'nominal', title: 'class', scale: { domain: names, range: classColors(k) } };
  const regions = {
    data: { values: cells },
    mark: { type: 'rect', opacity: opts.regionOpacity ?? 0.3, strokeWidth: 0 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: features[0], scale: { domain: [x0, x1], nice: false, zero: false } },
      x2: { field: 'x2' },
      y: { field: 'y', type: 'quantitative', title: features[1], scale: { domain: [y0, y1], nice: false, zero: false } },
      y2: { field: 'y2' },
      color,
    },
  };
  const layers: Array<Record<string, unknown>> = [regions];
  if (pts) {
    const pl = pointLayer(names, features, 45, pts.y !== undefined);
    layers.push({ data: { values: pointRows(pts.xy, pts.n, pts.y, names) }, ...pl });
  }
  return {
    kind: 'decisionBoundary',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: opts.title ?? 'Decision regions',
      width: opts.width ?? 420,
      height: opts.height ?? 360,
      layer: layers,
      config: BASE_CONFIG,
    },
  };
}
