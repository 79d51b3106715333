import { type Variable, variable, zeros } from '@tensorflow/tfjs-core';
import { initBackend, manualSeed } from '@nnkit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { Parameter } from '../parameter.js';
import * as init from './index.js';

function stats(t: Parameter | Variable): { mean: number; std: number; min: number; max: number } {
  const v = (t instanceof Parameter ? t.data : t).dataSync();
  let s = 0;
  let s2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    s += x;
    s2 += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = s / v.length;
  return { mean, std: Math.sqrt(s2 / v.length - mean * mean), min, max };
}

const p = (shape: number[]): Parameter => new Parameter(zeros(shape));

describe('nn.init (wasm)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('calculateGain and fans follow torch.nn.init', () => {
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('conv2d')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2);
    expect(init.calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.0001)));
    expect(init.calculateGain('leaky_relu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04));
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('swish' as never)).toThrow(/unsupported nonlinearity/);
    expect(init.calculateFanInAndFanOut([6, 4])).toEqual([4, 6]);
    expect(init.calculateFanInAndFanOut([8, 2, 3, 5])).toEqual([30, 120]);
    expect(() => init.calculateFanInAndFanOut([5])).toThrow(/calculateFanInAndFanOut: expected tensor of shape at least 2 dimensions \(fan in and fan out can not be computed for fewer\), got \[5\]/);
    expect(init.calculate_gain).toBe(init.calculateGain);
  });

  it('uniform_ / normal_ / constant_ / zeros_ / ones_', () => {
    const u = stats(init.uniform_(p([100, 100]), -2, 3));
    expect(u.min).toBeGreaterThanOrEqual(-2);
    expect(u.max).toBeLessThanOrEqual(3);
    expect(u.mean).toBeCloseTo(0.5, 1);
    expect(u.std).toBeCloseTo(5 / Math.sqrt(12), 1);
    const n = stats(init.normal_(p([100, 100]), 1, 0.5));
    expect(n.mean).toBeCloseTo(1, 1);
    expect(n.std).toBeCloseTo(0.5, 1);
    expect(stats(init.constant_(p([3, 3]), 0.25)).mean).toBe(0.25);
    expect(stats(init.ones_(p([3]))).min).toBe(1);
    expect(stats(init.zeros_(p([3]))).max).toBe(0);
    // works on a plain variable too (e.g. a buffer)
    const v = variable(zeros([4, 4]));
    expect(stats(init.ones_(v)).mean).toBe(1);
  });

  it('xavier_uniform_ / xavier_normal_ have the Glorot bounds and std', () => {
    const a = Math.sqrt(6 / (200 + 100));
    const u = stats(init.xavierUniform_(p([100, 200])));
    expect(u.max).toBeLessThanOrEqual(a);
    expect(u.min).toBeGreaterThanOrEqual(-a);
    expect(u.max).toBeGreaterThan(0.99 * a);
    const g = 5 / 3;
    const n = stats(init.xavier_normal_(p([100, 200]), g));
    expect(n.std / (g * Math.sqrt(2 / 300))).toBeCloseTo(1, 1);
  });

  it('kaiming_uniform_ / kaiming_normal_ with a, mode and nonlinearity', () => {
    // nn.Linear default: a = sqrt(5) -> bound 1/sqrt(fan_in)
    const w = stats(init.kaimingUniform_(p([64, 50]), { a: Math.sqrt(5) }));
    expect(w.max).toBeLessThanOrEqual(1 / Math.sqrt(50));
    expect(w.max).toBeGreaterThan(0.98 / Math.sqrt(50));
    const w2 = stats(init.kaiming_uniform_(p([64, 50]), Math.sqrt(5)));
    expect(w2.max).toBeLessThanOrEqual(1 / Math.sqrt(50));
    // conv weight [out=32, in=8, 3, 3]: fan_out = 32*9 = 288
    const c = stats(init.kaimingNormal_(p([32, 8, 3, 3]), { mode: 'fan_out', nonlinearity: 'relu' }));
    expect(c.std / (Math.SQRT2 / Math.sqrt(288))).toBeCloseTo(1, 1);
    const d = stats(init.kaimingNormal_(p([64, 400])));
    expect(d.std / (Math.SQRT2 / 20)).toBeCloseTo(1, 1);
    expect(() => init.kaimingNormal_(p([3, 3]), { mode: 'fan_avg' as never })).toThrow(/fan_in, fan_out/);
  });

  it('trunc_normal_ respects [a, b] and has the truncated-normal moments', () => {
    const t = stats(init.truncNormal_(p([100, 100]), 0, 1, -1, 1));
    expect(t.min).toBeGreaterThanOrEqual(-1);
    expect(t.max).toBeLessThanOrEqual(1);
    expect(t.min).toBeLessThan(-0.99);
    expect(Math.abs(t.mean)).toBeLessThan(0.02);
    // Var of N(0,1) truncated to [-1, 1]: 1 - 2φ(1)/(Φ(1)-Φ(-1)) = 0.29112
    expect(t.std).toBeCloseTo(Math.sqrt(0.29112), 2);
    const v = stats(init.trunc_normal_(p([100, 100]), 0, 0.02));
    expect(v.std).toBeCloseTo(0.02, 3);
    const s = stats(init.truncNormal_(p([50, 50]), 3, 1, 2.5, 10));
    expect(s.min).toBeGreaterThanOrEqual(2.5);
  });

  it('is deterministic under manualSeed', () => {
    for (const f of [
      (w: Parameter) => init.uniform_(w),
      (w: Parameter) => init.normal_(w),
      (w: Parameter) => init.xavierUniform_(w),
      (w: Parameter) => init.kaimingNormal_(w),
      (w: Parameter) => init.truncNormal_(w, 0, 1, -2, 2),
    ]) {
      manualSeed(42);
      const a = f(p([5, 7])).data.dataSync();
      manualSeed(42);
      const b = f(p([5, 7])).data.dataSync();
      const c = f(p([5, 7])).data.dataSync();
      expect(b).toEqual(a);
      expect(c).not.toEqual(a);
    }
  });
});
