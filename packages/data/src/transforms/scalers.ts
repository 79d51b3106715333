import { Tensor, div, sub, tensor, tidy, min as tmin, max as tmax, moments, reshape, sqrt } from '@tensorflow/tfjs-core';
import { ShapeError, ArgumentError, StateError } from '@nnkit/tensor';

/** Feature data for the scalers: a tensor `[N, F]` / `[N, C, T]`, or nested number arrays of that shape. */
export type FeatureInput = Tensor | number[][] | number[][][];

function asTensor(x: FeatureInput, who: string): Tensor {
  if (x instanceof Tensor) return x;
  if (!Array.isArray(x)) throw new ArgumentError(who, 'expected a tensor or nested number arrays');
  return tensor(x as number[][], undefined, 'float32');
}

function reduceAxes(t: Tensor, who: string): number[] {
  if (t.rank === 2) return [0];
  if (t.rank === 3) return [0, 2];
  throw new ShapeError(who, '[N, F] or [N, C, T]', t.shape, 'data');
}

function back<X extends FeatureInput>(input: X, out: Tensor): X extends Tensor ? Tensor : X {
  if (input instanceof Tensor) return out as never;
  const a = out.arraySync();
  out.dispose();
  return a as never;
}

/** Per-feature statistics: `[F]` for `[N, F]` data, `[C]` for `[N, C, T]` data. */
export interface ScalerState {
  /** Shift per feature/channel (`min` for MinMax, `mean` for ZScore). */
  shift: number[];
  /** Scale per feature/channel (`max − min` for MinMax, `std` for ZScore). */
  scale: number[];
}

abstract class FeatureScaler {
  protected state: ScalerState | undefined;
  protected abstract readonly label: string;
  protected abstract stats(t: Tensor, axes: number[]): [Tensor, Tensor];

  /** Learns the per-feature statistics from `x` (the training split only). Returns `this`. */
  fit(x: FeatureInput): this {
    const t = asTensor(x, `${this.label}.fit`);
    const axes = reduceAxes(t, `${this.label}.fit`);
    const [shift, scale] = tidy(() => this.stats(t, axes).map((s) => s.dataSync()));
    if (t !== x) t.dispose();
    // a constant feature gets scale 1 (sklearn's handling of a zero range / zero variance)
    this.state = { shift: Array.from(shift!), scale: Array.from(scale!, (v) => (v === 0 ? 1 : v)) };
    return this;
  }

  /** Applies the fitted scaling: `(x − shift) / scale`, per feature/channel. */
  transform<X extends FeatureInput>(x: X): X extends Tensor ? Tensor : X {
    const st = this.state;
    if (!st) throw new StateError(`${this.label}.transform`, 'call fit(x) first');
    const t = asTensor(x, `${this.label}.transform`);
    reduceAxes(t, `${this.label}.transform`);
    const F = t.shape[1]!;
    if (F !== st.shift.length) {
      throw new ShapeError(`${this.label}.transform`, `[N, ${st.shift.length}] or [N, ${st.shift.length}, T] (fitted on ${st.shift.length} features/channels)`, t.shape, 'data');
    }
    const out = tidy(() => {
      const shape = t.rank === 2 ? [1, F] : [1, F, 1];
      const s = reshape(tensor(st.shift, [F], 'float32'), shape);
      const k = reshape(tensor(st.scale, [F], 'float32'), shape);
      return div(sub(t, s), k);
    });
    if (t !== x) t.dispose();
    return back(x, out);
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform<X extends FeatureInput>(x: X): X extends Tensor ? Tensor : X {
    return this.fit(x).transform(x);
  }

  /** The fitted statistics (serialisable, e.g. to ship with a model). */
  getState(): ScalerState {
    if (!this.state) throw new StateError(`${this.label}.getState`, 'not fitted');
    return { shift: this.state.shift.slice(), scale: this.state.scale.slice() };
  }

  /** Restores statistics from {@link getState}. Returns `this`. */
  setState(s: ScalerState): this {
    if (!Array.isArray(s.shift) || !Array.isArray(s.scale) || s.shift.length !== s.scale.length) {
      throw new ArgumentError(`${this.label}.setState`, 'expected { shift: number[], scale: number[] } of equal length');
    }
    this.state = { shift: s.shift.slice(), scale: s.scale.slice() };
    return this;
  }
}

/**
 * Min-max scaling to [0, 1] per feature (`[N, F]`) or per channel (`[N, C, T]`), like the iris
 * tutorial and `sklearn.preprocessing.MinMaxScaler`; a constant feature gets scale 1.
 *
 * @example
 * ```ts
 * const scaler = new MinMaxScaler().fit(trainX);   // trainX: [N, 4]
 * const x01 = scaler.transform(testX);
 * ```
 */
export class MinMaxScaler extends FeatureScaler {
  protected readonly label = 'MinMaxScaler';
  protected stats(t: Tensor, axes: number[]): [Tensor, Tensor] {
    const lo = tmin(t, axes);
    return [lo, sub(tmax(t, axes), lo)];
  }
}

/**
 * Standardisation to zero mean and unit variance per feature (`[N, F]`) or per EEG channel
 * (`[N, C, T]`: statistics over trials and time), like `sklearn.preprocessing.StandardScaler`
 * (population std; a constant feature gets scale 1). Fit on the training split only.
 *
 * @example
 * ```ts
 * const z = new ZScore().fit(trainX);   // trainX: [N, C, T]
 * const xs = z.transform(testX);        // [M, C, T]
 * ```
 */
export class ZScore extends FeatureScaler {
  protected readonly label = 'ZScore';
  protected stats(t: Tensor, axes: number[]): [Tensor, Tensor] {
    const { mean, variance } = moments(t, axes);
    return [mean, sqrt(variance)];
  }
}

/**
 * Min-max normalisation of features to [0, 1] (fit and apply in one step), as in the iris
 * tutorial. Returns the scaled data and the fitted scaler (to apply to new data).
 *
 * @param x - `[N, F]` tensor or rows of numbers
 * @example `const { data, scaler } = minMaxNormalize(features)` // data: [N, F] in [0, 1]
 */
export function minMaxNormalize<X extends FeatureInput>(x: X): { data: X extends Tensor ? Tensor : X; scaler: MinMaxScaler } {
  const scaler = new MinMaxScaler().fit(x);
  return { data: scaler.transform(x), scaler };
}
