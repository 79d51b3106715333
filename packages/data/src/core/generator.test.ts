import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator, manualSeed, defaultGenerator } from './generator.js';
import { ArgumentError } from '@nnkit/tensor';

describe('Generator', () => {
  it('is reproducible: same seed → same stream, different seed → different stream', () => {
    const a = new Generator(42);
    const b = new Generator().manualSeed(42);
    const c = new Generator(43);
    const sa = Array.from({ length: 20 }, () => a.nextUint32());
    const sb = Array.from({ length: 20 }, () => b.nextUint32());
    const sc = Array.from({ length: 20 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    expect(a.initialSeed()).toBe(42);
  });

  it('getState/setState round-trips through JSON', () => {
    const g = new Generator(7);
    g.randperm(10);
    const saved = JSON.parse(JSON.stringify(g.getState())) as ReturnType<Generator['getState']>;
    const x = [g.random(), g.randint(0, 100), g.normal()];
    const h = new Generator(0).setState(saved);
    expect([h.random(), h.randint(0, 100), h.normal()]).toEqual(x);
    expect(() => h.setState({ algorithm: 'mt', seed: 0, s: [0, 0, 0, 0] } as never)).toThrow(/xoshiro/);
    const k = g.clone();
    expect(k.nextUint32()).toBe(g.nextUint32());
  });

  it('randperm is a permutation; randint stays in range; uniform moments', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.nat(), (n, seed) => {
        const p = new Generator(seed).randperm(n);
        const sorted = Array.from(p).sort((x, y) => x - y);
        expect(sorted).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      { numRuns: 30 },
    );
    const g = new Generator(1);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 6000; i++) counts[g.randint(0, 6)]! += 1;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
    const r = g.rand(20000);
    const mean = r.reduce((s, v) => s + v, 0) / r.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    const z = g.randn(20000);
    const zm = z.reduce((s, v) => s + v, 0) / z.length;
    const zv = z.reduce((s, v) => s + (v - zm) ** 2, 0) / z.length;
    expect(Math.abs(zm)).toBeLessThan(0.03);
    expect(Math.abs(zv - 1)).toBeLessThan(0.05);
    expect(() => g.randint(3, 3)).toThrow(ArgumentError);
    expect(() => g.manualSeed(-1)).toThrow(ArgumentError);
  });

  it('large seeds differ in their high bits', () => {
    expect(new Generator(2 ** 40).nextUint32()).not.toBe(new Generator(0).nextUint32());
  });

  it('manualSeed seeds the default generator', () => {
    manualSeed(5);
    const a = defaultGenerator().random();
    manualSeed(5);
    expect(defaultGenerator().random()).toBe(a);
  });
});
