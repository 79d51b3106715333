import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import { Dataset, checkIndex } from '../core/dataset.js';
import { Generator } from '../core/generator.js';
import { IRIS_FEATURES, IRIS_LABELS } from './iris-data.js';
import { ArgumentError } from '@nnkit/tensor';

/** Class names of the iris data set, by label index. */
export const IRIS_CLASS_NAMES = ['setosa', 'versicolor', 'virginica'] as const;
/** Feature names of the iris data set (centimetres). */
export const IRIS_FEATURE_NAMES = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'] as const;

/** The iris data in memory: row-major features and integer labels. */
export interface IrisData {
  /** `[N, 4]` row-major (N = 150). */
  features: Float32Array;
  /** `[N]` class indices 0..2. */
  labels: Int32Array;
  classNames: readonly string[];
  featureNames: readonly string[];
}

/** Options of {@link loadIris}. */
export interface LoadIrisOptions {
  /** Shuffle the rows (default false: the file order, 50 of each class). */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0); ignored when `generator` is given. */
  seed?: number;
  generator?: Generator;
}

/**
 * Loads Fisher's iris data set (150 × 4, 3 classes) shipped inside the package — no file or
 * network access.
 *
 * @example
 * ```ts
 * const { features, labels } = loadIris({ shuffle: true, seed: 42 }); // features: [150 * 4], labels: [150]
 * ```
 */
export function loadIris(opts: LoadIrisOptions = {}): IrisData {
  const n = IRIS_LABELS.length;
  const features = Float32Array.from(IRIS_FEATURES);
  const labels = Int32Array.from(IRIS_LABELS, (c) => c.charCodeAt(0) - 48);
  const data: IrisData = { features, labels, classNames: IRIS_CLASS_NAMES, featureNames: IRIS_FEATURE_NAMES };
  if (!opts.shuffle) return data;
  const perm = (opts.generator ?? new Generator(opts.seed ?? 0)).randperm(n);
  return permuteRows(data, perm);
}

function permuteRows(d: IrisData, idx: Int32Array): IrisData {
  const F = d.featureNames.length;
  const features = new Float32Array(idx.length * F);
  const labels = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    features.set(d.features.subarray(r * F, (r + 1) * F), i * F);
    labels[i] = d.labels[r]!;
  });
  return { ...d, features, labels };
}

/**
 * Iris samples as a data set: sample `i` is `[features: Float32Array(4), label: number]`,
 * which the default collate batches into `[B, 4]` float32 and `[B]` int32.
 *
 * @example
 * ```ts
 * const loader = new DataLoader(new IrisDataset(loadIris()), { batchSize: 16, shuffle: true });
 * ```
 */
export class IrisDataset extends Dataset<[Float32Array, number]> {
  constructor(readonly data: IrisData = loadIris()) {
    super();
  }

  get length(): number {
    return this.data.labels.length;
  }

  get(index: number): [Float32Array, number] {
    const i = checkIndex(index, this.length, 'IrisDataset.get');
    const F = this.data.featureNames.length;
    return [this.data.features.slice(i * F, (i + 1) * F), this.data.labels[i]!];
  }

  /** The whole split as tensors: `x: [N, 4]` float32, `y: [N]` int32 (owned by the caller). */
  toTensors(): { x: Tensor; y: Tensor } {
    const F = this.data.featureNames.length;
    return { x: tensor(this.data.features, [this.length, F], 'float32'), y: tensor(this.data.labels, [this.length], 'int32') };
  }
}

/** Options of {@link irisSplits}. */
export interface IrisSplitOptions {
  /** Seed of the shuffle (default 0); ignored when `generator` is given. */
  seed?: number;
  generator?: Generator;
  /** Train/dev/test sizes (default `[120, 15, 15]`, summing to 150). */
  sizes?: readonly [number, number, number];
  /** Min-max normalise every feature to [0, 1] first (default true). */
  normalize?: boolean;
}

/** The iris splits with the min/max used for normalisation. */
export interface IrisSplits {
  train: IrisDataset;
  dev: IrisDataset;
  test: IrisDataset;
  /** Per-feature minimum and maximum of the raw data (apply `(x − min) / (max − min)` to new flowers). */
  min: Float32Array;
  max: Float32Array;
}

/**
 * The iris tutorial's preparation: min-max normalise the 4 features to [0, 1] (statistics of
 * all 150 rows, as the tutorial does), shuffle with a seeded generator, and split 120/15/15
 * into train/dev/test.
 *
 * @example
 * ```ts
 * const { train, dev, test } = irisSplits({ seed: 42 }); // 120 / 15 / 15 samples
 * ```
 */
export function irisSplits(opts: IrisSplitOptions = {}): IrisSplits {
  const raw = loadIris();
  const F = raw.featureNames.length;
  const n = raw.labels.length;
  const sizes = opts.sizes ?? [120, 15, 15];
  if (sizes.reduce((a, b) => a + b, 0) !== n || sizes.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new ArgumentError('irisSplits', `sizes must be non-negative integers summing to ${n}, got [${sizes.join(', ')}]`);
  }
  const min = new Float32Array(F).fill(Infinity);
  const max = new Float32Array(F).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) {
      const v = raw.features[i * F + f]!;
      if (v < min[f]!) min[f] = v;
      if (v > max[f]!) max[f] = v;
    }
  }
  if (opts.normalize ?? true) {
    for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) raw.features[i * F + f] = (raw.features[i * F + f]! - min[f]!) / (max[f]! - min[f]!);
  }
  const perm = (opts.generator ?? new Generator(opts.seed ?? 0)).randperm(n);
  const [a, b] = sizes;
  return {
    train: new IrisDataset(permuteRows(raw, perm.subarray(0, a))),
    dev: new IrisDataset(permuteRows(raw, perm.subarray(a, a + b))),
    test: new IrisDataset(permuteRows(raw, perm.subarray(a + b))),
    min,
    max,
  };
}
