import { add, grads, memory, moments, mul, randomNormal, reshape, sum, tensor1d, tensor4d, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2d, initBackend } from '@nnkit/tensor';
import { temporalConvMoments } from './temporal-conv-moments.js';
import { temporalSpatialConv, type TemporalSpatialConvOptions } from './temporal-spatial.js';

function maxRelErr(a: Tensor, b: Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(a.shape).toEqual(b.shape);
  let scale = 1e-6;
  for (const v of y) scale = Math.max(scale, Math.abs(v));
  let err = 0;
  for (let i = 0; i < x.length; i++) err = Math.max(err, Math.abs(x[i]! - y[i]!));
  return err / scale;
}

type Pad = NonNullable<TemporalSpatialConvOptions['padding']>;
/** The same (symmetric) padding as conv2d's argument for a [1, K] kernel. */
const torchPad = (p: Pad, _K: number): [number, number] | 'same' | 'valid' =>
  p === 'same' ? 'same' : p === 'valid' ? 'valid' : typeof p === 'number' ? [0, p] : [0, p[0]];

/** The three-step reference: temporal conv, per-filter affine, depthwise spatial conv. */
function reference(x: Tensor, wT: Tensor, wS: Tensor, scale: Tensor, shift: Tensor, p: Pad): Tensor {
  const F1 = wT.shape[0]!;
  const y1 = conv2d(x, wT, null, { padding: torchPad(p, wT.shape[3]!) });
  const y2 = add(mul(y1, reshape(scale, [1, F1, 1, 1])), reshape(shift, [1, F1, 1, 1]));
  return conv2d(y2, wS, null, { groups: F1 });
}

const cases = [
  { name: 'EEG-TCNet-like, same, even K', B: 2, C: 5, T: 70, F1: 3, D: 2, K: 8, padding: 'same' as Pad },
  { name: 'odd K, remainder block, D=1', B: 3, C: 4, T: 101, F1: 2, D: 1, K: 7, padding: 'same' as Pad },
  { name: 'K = 32 as in EEG-TCNet, several full blocks and a remainder', B: 2, C: 3, T: 250, F1: 4, D: 2, K: 32, padding: 'same' as Pad },
  { name: 'valid, K > 32', B: 2, C: 3, T: 90, F1: 2, D: 3, K: 40, padding: 'valid' as Pad },
  { name: 'symmetric number padding, To < S', B: 1, C: 2, T: 12, F1: 2, D: 2, K: 5, padding: 2 as Pad },
];

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`temporalSpatialConv / temporalConvMoments (${backend})`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });

    it.each(cases.flatMap((c) => [{ ...c, center: false }, { ...c, center: true }]))('matches conv → affine → depthwise conv, values and gradients: $name, center $center', ({ B, C, T, F1, D, K, padding, center }) => {
      tidy(() => {
        const x = randomNormal([B, 1, C, T]);
        const wT = randomNormal([F1, 1, 1, K]);
        const wS = randomNormal([F1 * D, 1, C, 1]);
        const scale = randomNormal([F1]);
        const shift = randomNormal([F1]);
        const r = randomNormal([B, F1 * D, 1, T + (padding === 'valid' ? 1 - K : typeof padding === 'number' ? 2 * padding + 1 - K : 0)]);
        const f1 = (a: Tensor, b: Tensor, c: Tensor, d: Tensor) => sum(mul(temporalSpatialConv(x, a, b, { scale: c, shift: d, padding, center }), r));
        const f2 = (a: Tensor, b: Tensor, c: Tensor, d: Tensor) => sum(mul(reference(x, a, b, c, d, padding), r));
        expect(maxRelErr(temporalSpatialConv(x, wT, wS, { scale, shift, padding, center }), reference(x, wT, wS, scale, shift, padding))).toBeLessThan(1e-5);
        const g1 = grads(f1)([wT, wS, scale, shift]);
        const g2 = grads(f2)([wT, wS, scale, shift]);
        g1.forEach((g, i) => expect(maxRelErr(g, g2[i]!)).toBeLessThan(1e-4));
      });
    });

    it.each(cases)('moments equal those of the temporal conv output, with gradients: $name', ({ B, C, T, F1, K, padding }) => {
      tidy(() => {
        const x = randomNormal([B, 1, C, T]);
        const wT = randomNormal([F1, 1, 1, K]);
        const ref = (w: Tensor) => moments(conv2d(x, w, null, { padding: torchPad(padding, K) }), [0, 2, 3]);
        const { mean, variance, count } = temporalConvMoments(x, wT, { padding });
        const m = ref(wT);
        expect(count).toBe(B * C * conv2d(x, wT, null, { padding: torchPad(padding, K) }).shape[3]!);
        expect(maxRelErr(mean, reshape(m.mean, [F1]))).toBeLessThan(1e-4);
        expect(maxRelErr(variance, reshape(m.variance, [F1]))).toBeLessThan(1e-4);
        const a = randomNormal([F1]);
        const b = randomNormal([F1]);
        const [gm] = grads((w: Tensor) => {
          const mm = temporalConvMoments(x, w, { padding });
          return add(sum(mul(mm.mean, a)), sum(mul(mm.variance, b)));
        })([wT]);
        const [gr] = grads((w: Tensor) => {
          const mm = ref(w);
          return add(sum(mul(reshape(mm.mean, [F1]), a)), sum(mul(reshape(mm.variance, [F1]), b)));
        })([wT]);
        expect(maxRelErr(gm!, gr!)).toBeLessThan(1e-3);
      });
    });

    it('keeps float32 precision on inputs with a large offset (raw microvolts): moments and the spatial gradient vs float64', () => {
      const [B, C, T, F1, K] = [8, 3, 400, 2, 32];
      const l = Math.floor((K - 1) / 2);
      const To = T;
      const xs = Float32Array.from({ length: B * C * T }, (_, i) => 50 + 20 * Math.sin(i * 0.37) + 5 * Math.cos(i * 1.91));
      const ws = Float32Array.from({ length: F1 * K }, (_, i) => Math.sin(i * 0.7) * 0.3);
      // float64 reference: y[b, f, c, t] = Σ_k w[f, k]·x[b, c, t + k − l] (zero outside).
      const y64 = (b: number, f: number, c: number, t: number): number => {
        let v = 0;
        for (let k = 0; k < K; k++) {
          const u = t + k - l;
          if (u >= 0 && u < T) v += ws[f * K + k]! * xs[(b * C + c) * T + u]!;
        }
        return v;
      };
      const mean64: number[] = [];
      const var64: number[] = [];
      for (let f = 0; f < F1; f++) {
        let s1 = 0;
        for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) for (let t = 0; t < To; t++) s1 += y64(b, f, c, t);
        const m = s1 / (B * C * To);
        let s2 = 0;
        for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) for (let t = 0; t < To; t++) s2 += (y64(b, f, c, t) - m) ** 2;
        mean64.push(m);
        var64.push(s2 / (B * C * To));
      }
      tidy(() => {
        const x = tensor4d(xs, [B, 1, C, T]);
        const wT = tensor4d(ws, [F1, 1, 1, K]);
        const { mean, variance } = temporalConvMoments(x, wT);
        const md = mean.dataSync();
        const vd = variance.dataSync();
        for (let f = 0; f < F1; f++) {
          expect(Math.abs(md[f]! - mean64[f]!)).toBeLessThan(2e-6 * Math.abs(mean64[f]!) + 1e-6);
          expect(Math.abs(vd[f]! - var64[f]!) / var64[f]!).toBeLessThan(2e-5);
        }
        // The spatial weight's gradient of sum(r · BN-folded output): two large sums that cancel
        // unless the input is centred.
        const scale = vd.map((v) => 1 / Math.sqrt(v + 1e-3));
        const shift = Array.from(md, (m, f) => -m * scale[f]!);
        const wS = Float32Array.from({ length: F1 * C }, (_, i) => Math.cos(i * 1.3));
        const rs = Float32Array.from({ length: B * F1 * To }, (_, i) => Math.sin(i * 0.11));
        const g64: number[] = [];
        for (let f = 0; f < F1; f++) {
          for (let c = 0; c < C; c++) {
            let g = 0;
            for (let b = 0; b < B; b++) for (let t = 0; t < To; t++) g += rs[(b * F1 + f) * To + t]! * (y64(b, f, c, t) * scale[f]! + shift[f]!);
            g64.push(g);
          }
        }
        const r = tensor4d(rs, [B, F1, 1, To]);
        const sc = tensor1d(scale);
        const sh = tensor1d(shift);
        const [gS] = grads((w: Tensor) => sum(mul(temporalSpatialConv(x, wT, w, { scale: sc, shift: sh, center: true }), r)))([tensor4d(wS, [F1, 1, C, 1])]);
        const gd = gS!.dataSync();
        const gmax = Math.max(...g64.map(Math.abs));
        // measured: 8e-6 centred, 2e-4 without centring
        for (let i = 0; i < g64.length; i++) expect(Math.abs(gd[i]! - g64[i]!)).toBeLessThan(1e-6 * gmax + 1e-5);
      });
    });

    it('does not leak and checks shapes', () => {
      const x = randomNormal([2, 1, 3, 20]);
      const wT = randomNormal([2, 1, 1, 5]);
      const wS = randomNormal([4, 1, 3, 1]);
      const before = memory().numTensors;
      temporalSpatialConv(x, wT, wS).dispose();
      const m = temporalConvMoments(x, wT);
      m.mean.dispose();
      m.variance.dispose();
      expect(memory().numTensors).toBe(before);
      expect(() => temporalSpatialConv(randomNormal([2, 2, 3, 20]), wT, wS)).toThrow(/\[B, 1, C, T\]/);
      expect(() => temporalSpatialConv(x, wT, randomNormal([4, 1, 2, 1]))).toThrow(/spatial weight/);
    });
  });
}
