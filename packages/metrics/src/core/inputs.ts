import { type Tensor, argMax, tidy } from '@tensorflow/tfjs-core';
import { MetricInputError } from './errors.js';

/**
 * What every metric accepts for outputs and labels: a tfjs `Tensor` of rank 1 or 2, a flat
 * array / typed array (`[N]`), or an array of rows (`[N, C]`).
 */
export type MetricInput = Tensor | ArrayLike<number> | ReadonlyArray<ArrayLike<number>>;

/**
 * How model outputs are read.
 * - `'auto'` (default): `[N, C>1]` → argmax; `[N, 1]` → binary logits thresholded at 0;
 *   `[N]` → class indices (must be integers).
 * - `'logits'`: `[N, C>1]` → argmax; `[N]` or `[N, 1]` → binary, `x > 0` is class 1.
 * - `'probs'`: `[N, C>1]` → argmax; `[N]` or `[N, 1]` → binary, `p > 0.5` is class 1.
 * - `'labels'`: outputs already are class indices `[N]`.
 */
export type InputType = 'auto' | 'logits' | 'probs' | 'labels';

/** Options shared by every metric that turns model outputs into predicted classes. */
export interface PredictionOptions {
  /** How outputs are read (see {@link InputType}); default `'auto'`. */
  inputType?: InputType;
  /** Binary decision threshold (`score > threshold` is class 1); default 0 for logits, 0.5 for probs. */
  threshold?: number;
}

/** A dense 1-D or 2-D view of a metric input (`cols === 0` means 1-D). */
export interface Matrix {
  data: ArrayLike<number>;
  rows: number;
  cols: number;
  /** True when the source was an int32 tensor or an integer typed array. */
  intDtype: boolean;
}

/** True for a tfjs Tensor (duck-typed, so tensors from another tfjs copy count too). */
function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && typeof (x as Tensor).dataSync === 'function' && Array.isArray((x as Tensor).shape);
}

function describe(x: MetricInput): string {
  if (isTensor(x)) return `a tensor of shape [${x.shape.join(', ')}]`;
  return `an array of length ${x.length}`;
}

/** Reads any {@link MetricInput} into a flat array with its shape (rank 1 or 2). */
export function toMatrix(x: MetricInput, metric: string, what: string): Matrix {
  if (isTensor(x)) {
    if (x.rank !== 1 && x.rank !== 2) throw new MetricInputError(metric, `${what} of rank 1 or 2`, describe(x));
    const data = x.dataSync() as ArrayLike<number>;
    return { data, rows: x.shape[0] ?? 0, cols: x.rank === 2 ? (x.shape[1] ?? 0) : 0, intDtype: x.dtype === 'int32' || x.dtype === 'bool' };
  }
  if (x == null || typeof (x as ArrayLike<unknown>).length !== 'number') {
    throw new MetricInputError(metric, `${what} as a Tensor or array`, String(x));
  }
  const n = x.length;
  const first = n > 0 ? (x as ArrayLike<unknown>)[0] : undefined;
  if (first !== undefined && typeof first === 'object' && first !== null) {
    const rowsArr = x as ReadonlyArray<ArrayLike<number>>;
    const cols = rowsArr[0]!.length;
    const data = new Float64Array(n * cols);
    for (let i = 0; i < n; i++) {
      const row = rowsArr[i]!;
      if (row.length !== cols) throw new MetricInputError(metric, `${what} rows of equal length ${cols}`, `row ${i} of length ${row.length}`);
      for (let j = 0; j < cols; j++) data[i * cols + j] = row[j]!;
    }
    return { data, rows: n, cols, intDtype: false };
  }
  const intDtype = x instanceof Int32Array || x instanceof Uint8Array || x instanceof Int16Array || x instanceof Int8Array || x instanceof Uint16Array || x instanceof Uint32Array;
  return { data: x as ArrayLike<number>, rows: n, cols: 0, intDtype };
}

/** Checks that every value is a non-negative integer and returns them as an Int32Array. */
function asClassIndices(data: ArrayLike<number>, metric: string, what: string): Int32Array {
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isInteger(v) || v < 0) {
      throw new MetricInputError(
        metric,
        `${what} as non-negative integer class indices (pass inputType 'logits' or 'probs' for binary scores)`,
        `${v} at index ${i}`,
      );
    }
    out[i] = v;
  }
  return out;
}

function rowArgmax(m: Matrix): Int32Array {
  const { data, rows, cols } = m;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bv = -Infinity;
    for (let j = 0; j < cols; j++) {
      const v = data[i * cols + j]!;
      if (v > bv) {
        bv = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Result of {@link toPredictions}: predicted class per sample and the number of output columns. */
export interface Predictions {
  pred: Int32Array;
  /** Number of classes implied by the outputs (C for `[N, C>1]`, 2 for binary scores, 0 for indices). */
  impliedClasses: number;
}

/**
 * Turns model outputs (`[N, C]` scores, `[N, 1]`/`[N]` binary scores, or `[N]` class indices)
 * into predicted class indices `[N]`, following {@link PredictionOptions}.
 */
export function toPredictions(outputs: MetricInput, opts: PredictionOptions, metric: string): Predictions {
  const inputType = opts.inputType ?? 'auto';
  if (isTensor(outputs) && outputs.rank === 2 && (outputs.shape[1] ?? 0) > 1 && inputType !== 'labels') {
    const idx = tidy(() => argMax(outputs, 1));
    const pred = new Int32Array(idx.dataSync());
    idx.dispose();
    return { pred, impliedClasses: outputs.shape[1] ?? 0 };
  }
  const m = toMatrix(outputs, metric, 'outputs');
  if (m.cols > 1) {
    if (inputType === 'labels') throw new MetricInputError(metric, "outputs of shape [N] with inputType 'labels'", `shape [${m.rows}, ${m.cols}]`);
    return { pred: rowArgmax(m), impliedClasses: m.cols };
  }
  const binary = inputType === 'logits' || inputType === 'probs' || (inputType === 'auto' && m.cols === 1);
  if (binary) {
    const t = opts.threshold ?? (inputType === 'probs' ? 0.5 : 0);
    const pred = new Int32Array(m.rows);
    for (let i = 0; i < m.rows; i++) pred[i] = m.data[i]! > t ? 1 : 0;
    return { pred, impliedClasses: 2 };
  }
  return { pred: asClassIndices(m.data, metric, 'outputs'), impliedClasses: 0 };
}

/**
 * Reads labels: `[N]` class indices, `[N, 1]` binary 0/1, or `[N, C>1]` one-hot / soft targets
 * (argmax). Values must be non-negative integers.
 */
export function toLabels(labels: MetricInput, metric: string): Int32Array {
  if (isTensor(labels) && labels.rank === 2 && (labels.shape[1] ?? 0) > 1) {
    const idx = tidy(() => argMax(labels, 1));
    const out = new Int32Array(idx.dataSync());
    idx.dispose();
    return out;
  }
  const m = toMatrix(labels, metric, 'labels');
  if (m.cols > 1) return rowArgmax(m);
  return asClassIndices(m.data, metric, 'labels');
}

/** Throws unless predictions and labels have the same number of samples. */
export function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>, metric: string): void {
  if (a.length !== b.length) {
    throw new MetricInputError(metric, 'outputs and labels with the same number of samples', `${a.length} outputs and ${b.length} labels`);
  }
}

/** Reads binary scores for ROC: `[N]`, `[N, 1]`, or `[N, 2]` (column 1 = positive class). */
export function toScores(outputs: MetricInput, metric: string): Float64Array {
  const m = toMatrix(outputs, metric, 'scores');
  if (m.cols === 0 || m.cols === 1) return Float64Array.from(m.data);
  if (m.cols === 2) {
    const out = new Float64Array(m.rows);
    for (let i = 0; i < m.rows; i++) out[i] = m.data[i * 2 + 1]!;
    return out;
  }
  throw new MetricInputError(metric, 'binary scores of shape [N], [N, 1] or [N, 2]', describe(outputs));
}

export { isTensor };
