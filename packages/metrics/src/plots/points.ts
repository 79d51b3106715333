import { toLabels, toMatrix, type MetricInput } from '../core/inputs.js';

/** Reads `[N, 2]` points (Tensor or arrays) and optional `[N]` labels for the scatter plots. */
export function readPoints(points: MetricInput, labels: MetricInput | undefined, fn: string): { xy: Float64Array; n: number; y: Int32Array | undefined } {
  const m = toMatrix(points, fn, 'points');
  if (m.cols !== 2) throw new Error(`${fn}: expected points of shape [N, 2], got [${m.rows}${m.cols ? `, ${m.cols}` : ''}]`);
  const xy = Float64Array.from(m.data);
  const y = labels === undefined ? undefined : toLabels(labels, fn);
  if (y && y.length !== m.rows) throw new Error(`${fn}: expected ${m.rows} labels (one per point), got ${y.length}`);
  return { xy, n: m.rows, y };
}
