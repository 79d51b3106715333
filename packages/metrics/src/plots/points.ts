import { toLabels, toMatrix, type MetricInput } from '../core/inputs.js';
import { ShapeError, ArgumentError } from '@nnkit/tensor';

/** Reads `[N, 2]` points (Tensor or arrays) and optional `[N]` labels for the scatter plots. */
export function readPoints(points: MetricInput, labels: MetricInput | undefined, fn: string): { xy: Float64Array; n: number; y: Int32Array | undefined } {
  const m = toMatrix(points, fn, 'points');
  if (m.cols !== 2) throw new ShapeError(fn, '[N, 2]', `[${m.rows}${m.cols ? `, ${m.cols}` : ''}]`, 'points');
  const xy = Float64Array.from(m.data);
  const y = labels === undefined ? undefined : toLabels(labels, fn);
  if (y && y.length !== m.rows) throw new ArgumentError(fn, `expected ${m.rows} labels (one per point), got ${y.length}`);
  return { xy, n: m.rows, y };
}
