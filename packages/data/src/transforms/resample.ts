import { type SignalInput, type SignalOutput, mapRows } from './signal-util.js';
import { ArgumentError } from '@nnkit/tensor';

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges for all x). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/**
 * Low-pass FIR design of `scipy.signal.firwin(numtaps, cutoff, window=('kaiser', beta))`
 * (cutoff relative to Nyquist, unit gain at DC).
 */
export function firwinKaiser(numtaps: number, cutoff: number, beta: number): Float64Array {
  const h = new Float64Array(numtaps);
  const alpha = 0.5 * (numtaps - 1);
  const i0b = besselI0(beta);
  let sum = 0;
  for (let n = 0; n < numtaps; n++) {
    const m = n - alpha;
    const x = cutoff * m;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const r = alpha === 0 ? 0 : (n - alpha) / alpha;
    const w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0b;
    h[n] = cutoff * sinc * w;
    sum += h[n]!;
  }
  for (let n = 0; n < numtaps; n++) h[n]! /= sum;
  return h;
}

/** Options of {@link resample}. */
export interface ResampleOptions {
  /** Edge handling (scipy's `padtype`): 'constant' (zeros, default) or 'mean' (remove the mean, pad with zeros, add it back). */
  padtype?: 'constant' | 'mean';
  /** Kaiser window β of the anti-aliasing filter (default 5, like scipy). */
  beta?: number;
}

/** Polyphase resampling of one channel by `up / down` (`scipy.signal.resample_poly`). */
export function resamplePoly(x: Float64Array, up: number, down: number, opts: ResampleOptions = {}): Float64Array {
  if (!Number.isInteger(up) || !Number.isInteger(down) || up < 1 || down < 1) {
    throw new ArgumentError('resamplePoly', `up and down must be positive integers, got ${up}/${down}`);
  }
  const g = gcd(up, down);
  up /= g;
  down /= g;
  if (up === 1 && down === 1) return x.slice();
  const nIn = x.length;
  const nOut = Math.ceil((nIn * up) / down);
  const maxRate = Math.max(up, down);
  const halfLen = 10 * maxRate;
  const h0 = firwinKaiser(2 * halfLen + 1, 1 / maxRate, opts.beta ?? 5);
  const nPrePad = down - (halfLen % down);
  const nPreRemove = Math.floor((halfLen + nPrePad) / down);
  const hLen = h0.length + nPrePad; // the post-padding only adds zeros
  let background = 0;
  if (opts.padtype === 'mean' && nIn > 0) {
    for (let i = 0; i < nIn; i++) background += x[i]!;
    background /= nIn;
  }
  const y = new Float64Array(nOut);
  // y[k] = sum_j h[j] * xu[t - j], t = (k + nPreRemove) * down, xu = x upsampled by `up` with zeros
  for (let k = 0; k < nOut; k++) {
    const t = (k + nPreRemove) * down;
    // smallest j ≥ 0 with (t - j) % up === 0 and (t - j) / up < nIn
    let j = t % up;
    const jMin = t - (nIn - 1) * up;
    if (j < jMin) j += Math.ceil((jMin - j) / up) * up;
    let acc = 0;
    for (; j < hLen && j <= t; j += up) {
      const hj = j < nPrePad ? 0 : h0[j - nPrePad]!;
      acc += hj * (x[(t - j) / up]! - background);
    }
    y[k] = acc * up + background;
  }
  return y;
}

/**
 * Changes the sampling rate from `fromFs` to `toFs` by polyphase filtering, matching
 * `scipy.signal.resample_poly(x, up, down)` with `up / down = toFs / fromFs` reduced
 * (Kaiser-windowed FIR, β = 5, zero padding at the edges). Output length `ceil(T * up / down)`.
 *
 * @param signal - `[T]`, channels `[C][T]`, or a tensor `[..., T]`
 * @example `resample(eeg, 250, 128)` // tensor [C, 1000] → [C, 512]
 */
export function resample<S extends SignalInput>(signal: S, fromFs: number, toFs: number, opts: ResampleOptions = {}): SignalOutput<S> {
  if (!(fromFs > 0) || !(toFs > 0)) throw new ArgumentError('resample', `sampling rates must be positive, got ${fromFs} → ${toFs}`);
  // rational approximation of toFs / fromFs (exact for integer and decimal rates)
  let scale = 1;
  while ((!Number.isInteger(fromFs * scale) || !Number.isInteger(toFs * scale)) && scale < 1e6) scale *= 10;
  const a = Math.round(toFs * scale);
  const b = Math.round(fromFs * scale);
  const g = gcd(a, b);
  return mapRows(signal, 'resample', (row) => resamplePoly(row, a / g, b / g, opts));
}
