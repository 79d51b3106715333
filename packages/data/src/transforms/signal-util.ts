import { Tensor, tensor } from '@tensorflow/tfjs-core';
import { ShapeError, DTypeError, ArgumentError } from '@nnkit/tensor';

/** One channel of samples. */
export type Signal1D = Float32Array | Float64Array | readonly number[];

/**
 * A signal for the EEG transforms: one channel (`[T]`), a list of channels (`[C][T]`),
 * or a tfjs tensor whose LAST axis is time (`[T]`, `[C, T]`, `[N, C, T]`, ...).
 */
export type SignalInput = Signal1D | readonly Signal1D[] | Tensor;

/**
 * What a signal transform returns for input `S`: a float32 tensor for a tensor, a
 * Float64Array for a Float64Array, a Float32Array for other 1-D input, and an array of
 * those for a list of channels.
 */
export type SignalOutput<S> = S extends Tensor
  ? Tensor
  : S extends Float64Array
    ? Float64Array
    : S extends Float32Array | readonly number[]
      ? Float32Array
      : S extends readonly (infer E)[]
        ? E extends Float64Array
          ? Float64Array[]
          : Float32Array[]
        : never;

function is1D(x: unknown): x is Signal1D {
  return x instanceof Float32Array || x instanceof Float64Array || (Array.isArray(x) && (x.length === 0 || typeof x[0] === 'number'));
}

/**
 * Applies `fn` to every channel (row along the last axis) of a signal, in float64, and
 * returns the result in the container type of the input (see {@link SignalOutput}).
 * `fn` may change the row length (all rows must get the same new length for tensors).
 */
export function mapRows<S extends SignalInput>(x: S, who: string, fn: (row: Float64Array) => Float64Array): SignalOutput<S> {
  if (x instanceof Tensor) {
    if (x.rank === 0) throw new ShapeError(who, '[..., T] (a time axis)', 'a scalar', 'a tensor');
    if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new DTypeError(who, 'float32 or int32', x.dtype, 'tensor');
    const T = x.shape[x.rank - 1]!;
    const data = x.dataSync();
    const rows = T === 0 ? 0 : data.length / T;
    let outLen = -1;
    let out = new Float32Array(0);
    for (let r = 0; r < rows; r++) {
      const y = fn(Float64Array.from(data.subarray(r * T, (r + 1) * T)));
      if (outLen < 0) {
        outLen = y.length;
        out = new Float32Array(rows * outLen);
      }
      out.set(y, r * outLen);
    }
    return tensor(out, [...x.shape.slice(0, -1), Math.max(outLen, 0)], 'float32') as SignalOutput<S>;
  }
  if (is1D(x)) {
    const y = fn(Float64Array.from(x));
    return (x instanceof Float64Array ? y : Float32Array.from(y)) as SignalOutput<S>;
  }
  if (Array.isArray(x)) {
    return (x as readonly Signal1D[]).map((row, c) => {
      if (!is1D(row)) throw new ArgumentError(who, `channel ${c} is not a Float32Array, Float64Array or number[]`);
      const y = fn(Float64Array.from(row));
      return row instanceof Float64Array ? y : Float32Array.from(y);
    }) as SignalOutput<S>;
  }
  throw new ArgumentError(who, 'expected a Float32Array, Float64Array, number[], an array of channels, or a tensor [..., T]');
}
