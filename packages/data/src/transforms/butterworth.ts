import { type SignalInput, type SignalOutput, mapRows } from './signal-util.js';
import { ShapeError, ArgumentError, NotSupportedError } from '@nnkit/tensor';

/** Second-order sections, one row `[b0, b1, b2, a0, a1, a2]` per section (scipy's `sos` layout). */
export type Sos = number[][];

type C = [number, number];
const cmul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const cdiv = (a: C, b: C): C => {
  const d = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
};
const csqrt = (a: C): C => {
  const r = Math.hypot(a[0], a[1]);
  const re = Math.sqrt((r + a[0]) / 2);
  const im = Math.sqrt(Math.max(0, (r - a[0]) / 2));
  return [re, a[1] < 0 ? -im : im];
};

/** Filter type of {@link butterSos}. */
export type BandType = 'lowpass' | 'highpass' | 'bandpass';

/**
 * Digital Butterworth filter as second-order sections, like
 * `scipy.signal.butter(order, wn, btype, fs=fs, output='sos')` (analog prototype, frequency
 * pre-warping, bilinear transform). `wn` is in Hz: a number for low/high-pass, `[low, high]`
 * for band-pass. Sections may be ordered/paired differently from scipy; the cascade is the
 * same filter.
 *
 * @example `butterSos(4, [8, 30], 'bandpass', 250)` → 4 sections
 */
export function butterSos(order: number, wn: number | readonly [number, number], btype: BandType, fs: number): Sos {
  if (!Number.isInteger(order) || order < 1) throw new ArgumentError('butterSos', `order must be a positive integer, got ${order}`);
  const freqs = typeof wn === 'number' ? [wn] : [wn[0], wn[1]];
  if ((btype === 'bandpass') !== (freqs.length === 2)) throw new ArgumentError('butterSos', `${btype} needs ${btype === 'bandpass' ? '[low, high]' : 'one cut-off'}`);
  for (const f of freqs) {
    if (!(f > 0 && f < fs / 2)) throw new ArgumentError('butterSos', `digital filter critical frequencies must be 0 < f < fs/2 (fs=${fs}), got ${f}`);
  }
  if (freqs.length === 2 && !(freqs[0]! < freqs[1]!)) throw new ArgumentError('butterSos', `need low < high, got [${freqs.join(', ')}]`);
  // analog prototype poles (buttap), fs_internal = 2 → warped = 4 tan(pi Wn / 2), Wn relative to Nyquist
  const proto: C[] = [];
  for (let m = -order + 1; m < order; m += 2) {
    const th = (Math.PI * m) / (2 * order);
    proto.push([-Math.cos(th), -Math.sin(th)]);
  }
  const warped = freqs.map((f) => 4 * Math.tan((Math.PI * (2 * f) / fs) / 2));
  let zeros: C[] = [];
  let poles: C[];
  let k: C = [1, 0];
  if (btype === 'lowpass') {
    const wo = warped[0]!;
    poles = proto.map((p) => [p[0] * wo, p[1] * wo]);
    k = [wo ** order, 0];
  } else if (btype === 'highpass') {
    const wo = warped[0]!;
    poles = proto.map((p) => cdiv([wo, 0], p));
    let prodMinusP: C = [1, 0];
    for (const p of proto) prodMinusP = cmul(prodMinusP, [-p[0], -p[1]]);
    k = cdiv([1, 0], prodMinusP);
    zeros = proto.map((): C => [0, 0]);
  } else {
    const bw = warped[1]! - warped[0]!;
    const wo2 = warped[0]! * warped[1]!;
    const plp = proto.map((p): C => [(p[0] * bw) / 2, (p[1] * bw) / 2]);
    const s = plp.map((p) => csqrt([p[0] * p[0] - p[1] * p[1] - wo2, 2 * p[0] * p[1]]));
    poles = [...plp.map((p, i): C => [p[0] + s[i]![0], p[1] + s[i]![1]]), ...plp.map((p, i): C => [p[0] - s[i]![0], p[1] - s[i]![1]])];
    zeros = proto.map((): C => [0, 0]);
    k = [bw ** order, 0];
  }
  // bilinear transform with fs2 = 4
  const fs2 = 4;
  let num: C = [1, 0];
  let den: C = [1, 0];
  for (const z of zeros) num = cmul(num, [fs2 - z[0], -z[1]]);
  for (const p of poles) den = cmul(den, [fs2 - p[0], -p[1]]);
  const gain = cmul(k, cdiv(num, den))[0];
  const zz: number[] = zeros.map((z) => cdiv([fs2 + z[0], z[1]], [fs2 - z[0], -z[1]])[0]); // real (±1)
  for (let i = zeros.length; i < poles.length; i++) zz.push(-1);
  const pz: C[] = poles.map((p) => cdiv([fs2 + p[0], p[1]], [fs2 - p[0], -p[1]]));
  return pairSections(zz, pz, gain);
}

/** Groups real zeros and conjugate-pair poles into second-order sections (gain on the first). */
function pairSections(zeros: number[], poles: C[], gain: number): Sos {
  const tol = 1e-10;
  const complexUpper = poles.filter((p) => p[1] > tol);
  const real = poles.filter((p) => Math.abs(p[1]) <= tol).map((p) => p[0]);
  // alternate the +1 / -1 zeros so each band-pass section gets one of each
  const pos = zeros.filter((z) => z > 0);
  const neg = zeros.filter((z) => z <= 0);
  const zs: number[] = [];
  while (pos.length || neg.length) {
    if (pos.length) zs.push(pos.pop()!);
    if (neg.length) zs.push(neg.pop()!);
  }
  const sos: Sos = [];
  const take = (n: number): number[] => zs.splice(0, n);
  for (const p of complexUpper) {
    const [z1 = 0, z2 = 0] = take(2);
    const nz = z1 === 0 && z2 === 0 ? 0 : 2;
    sos.push([1, nz ? -(z1 + z2) : 0, nz ? z1 * z2 : 0, 1, -2 * p[0], p[0] * p[0] + p[1] * p[1]]);
  }
  real.sort((a, b) => a - b);
  while (real.length >= 2) {
    const p1 = real.shift()!;
    const p2 = real.shift()!;
    const [z1 = 0, z2 = 0] = take(2);
    sos.push([1, -(z1 + z2), z1 * z2, 1, -(p1 + p2), p1 * p2]);
  }
  if (real.length === 1) {
    const [z1 = 0] = take(1);
    sos.push([1, -z1, 0, 1, -real[0]!, 0]);
  }
  const first = sos[0]!;
  for (let j = 0; j < 3; j++) first[j]! *= gain;
  return sos;
}

/** Steady-state initial conditions of each section for a unit step (`scipy.signal.sosfilt_zi`). */
export function sosfiltZi(sos: Sos): number[][] {
  let scale = 1;
  return sos.map(([b0 = 0, b1 = 0, b2 = 0, a0 = 1, a1 = 0, a2 = 0]) => {
    const B0 = b1 / a0 - (a1 / a0) * (b0 / a0);
    const B1 = b2 / a0 - (a2 / a0) * (b0 / a0);
    const z0 = (B0 + B1) / (1 + a1 / a0 + a2 / a0);
    const z1 = B1 - (a2 / a0) * z0;
    const zi = [scale * z0, scale * z1];
    scale *= (b0 + b1 + b2) / (a0 + a1 + a2);
    return zi;
  });
}

/**
 * Filters `x` with a cascade of second-order sections in place (transposed direct form II,
 * like `scipy.signal.sosfilt`); `zi` (per section, 2 values) are the initial states.
 */
export function sosfiltInPlace(sos: Sos, x: Float64Array, zi?: number[][]): Float64Array {
  const n = x.length;
  sos.forEach(([b0 = 0, b1 = 0, b2 = 0, a0 = 1, a1 = 0, a2 = 0], s) => {
    const nb0 = b0 / a0, nb1 = b1 / a0, nb2 = b2 / a0, na1 = a1 / a0, na2 = a2 / a0;
    let z0 = zi?.[s]?.[0] ?? 0;
    let z1 = zi?.[s]?.[1] ?? 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const y = nb0 * xi + z0;
      z0 = nb1 * xi - na1 * y + z1;
      z1 = nb2 * xi - na2 * y;
      x[i] = y;
    }
  });
  return x;
}

/** Padding of {@link sosfiltfilt} (scipy's `padtype`). */
export type PadType = 'odd' | 'even' | 'constant' | null;

/** Options of {@link sosfiltfilt}. */
export interface SosfiltfiltOptions {
  /** Extension at both ends before filtering (default 'odd', like scipy). */
  padtype?: PadType;
  /** Samples of extension (default `3 * (2 * nSections + 1 - min(#b2 == 0, #a2 == 0))`, like scipy). */
  padlen?: number;
}

/**
 * Zero-phase forward-backward filtering of one channel, like `scipy.signal.sosfiltfilt`
 * (edge extension, steady-state initial conditions, filter, reverse, filter, reverse).
 * @example `sosfiltfilt(butterSos(4, [8, 30], 'bandpass', 250), Float64Array.from(x))`
 */
export function sosfiltfilt(sos: Sos, x: Float64Array, opts: SosfiltfiltOptions = {}): Float64Array {
  const padtype = opts.padtype === undefined ? 'odd' : opts.padtype;
  const zb2 = sos.filter((s) => s[2] === 0).length;
  const za2 = sos.filter((s) => s[5] === 0).length;
  const edge = padtype === null ? 0 : (opts.padlen ?? 3 * (2 * sos.length + 1 - Math.min(zb2, za2)));
  const n = x.length;
  if (edge > 0 && n <= edge) {
    throw new ShapeError('sosfiltfilt', `a time axis longer than padlen, which is ${edge}`, `${n} samples`);
  }
  const ext = new Float64Array(n + 2 * edge);
  ext.set(x, edge);
  if (edge > 0) {
    const x0 = x[0]!;
    const xn = x[n - 1]!;
    for (let i = 1; i <= edge; i++) {
      const l = x[i]!;
      const r = x[n - 1 - i]!;
      ext[edge - i] = padtype === 'odd' ? 2 * x0 - l : padtype === 'even' ? l : x0;
      ext[edge + n - 1 + i] = padtype === 'odd' ? 2 * xn - r : padtype === 'even' ? r : xn;
    }
  }
  const zi = sosfiltZi(sos);
  const x0 = ext[0]!;
  sosfiltInPlace(sos, ext, zi.map((z) => z.map((v) => v * x0)));
  ext.reverse();
  const y0 = ext[0]!;
  sosfiltInPlace(sos, ext, zi.map((z) => z.map((v) => v * y0)));
  ext.reverse();
  return ext.slice(edge, edge + n);
}

/** Options of {@link bandpass}. */
export interface BandpassOptions extends SosfiltfiltOptions {
  /** Butterworth order (default 4; the zero-phase result has twice the attenuation). */
  order?: number;
  /** Only 'iir' (Butterworth + forward-backward) is implemented. */
  method?: 'iir';
}

/**
 * Zero-phase Butterworth band-pass along the time axis, matching
 * `scipy.signal.sosfiltfilt(scipy.signal.butter(order, [low, high], 'bandpass', fs=fs, output='sos'), x)`
 * (computed in float64). Pass `low = null` for a low-pass at `high`, `high = null` for a
 * high-pass at `low`.
 *
 * @param signal - `[T]`, channels `[C][T]`, or a tensor `[..., T]`
 * @example
 * ```ts
 * const y = bandpass(eeg, 250, 4, 40);               // eeg: tensor [C, T] → [C, T]
 * const z = bandpass(x, 160, 8, 30, { order: 2 });   // x: Float32Array [T]
 * ```
 */
export function bandpass<S extends SignalInput>(signal: S, fs: number, low: number | null, high: number | null, opts: BandpassOptions = {}): SignalOutput<S> {
  if ((opts.method ?? 'iir') !== 'iir') throw new NotSupportedError('bandpass', `method '${opts.method}' is not implemented (only 'iir')`);
  const order = opts.order ?? 4;
  let sos: Sos;
  if (low !== null && high !== null) sos = butterSos(order, [low, high], 'bandpass', fs);
  else if (high !== null) sos = butterSos(order, high, 'lowpass', fs);
  else if (low !== null) sos = butterSos(order, low, 'highpass', fs);
  else throw new ArgumentError('bandpass', 'at least one of low and high must be given');
  const fo: SosfiltfiltOptions = {};
  if (opts.padtype !== undefined) fo.padtype = opts.padtype;
  if (opts.padlen !== undefined) fo.padlen = opts.padlen;
  return mapRows(signal, 'bandpass', (row) => sosfiltfilt(sos, row, fo));
}
