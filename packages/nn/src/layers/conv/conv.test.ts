import { initBackend } from '@nnkit/tensor';
import { assertClose, type Fixture, parityCases, readFixture, readFixtureConfig, withPrefix } from '@nnkit/tooling-testing';
import { add, grads, memory, mul, randomNormal, scalar, sub, sum, tensor, tidy, variableGrads, zeros, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShapeError } from '../../errors.js';
import type { Module } from '../../module.js';
import { Chomp1d } from './chomp.js';
import { Conv1d, Conv1dWithConstraint, Conv2d, Conv2dWithConstraint, CausalConv1d, type ConvLayerOptions } from './conv.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool1d, MaxPool2d } from './pool.js';

interface LayerCase {
  id: string;
  cls: string;
  args: [number, number, number | number[]];
  kwargs: Record<string, unknown>;
}

function build(c: LayerCase): Module & { call(x: Tensor): Tensor } {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.kwargs)) o[k.replace(/_(\w)/g, (_, ch: string) => ch.toUpperCase())] = v;
  const ctor = { Conv1d, Conv2d, Conv1dWithConstraint, Conv2dWithConstraint }[c.cls];
  if (!ctor) throw new Error(c.cls);
  return new ctor(c.args[0], c.args[1], c.args[2], o as ConvLayerOptions);
}

const LAYER_CASES = readFixtureConfig<LayerCase[]>(import.meta.url, 'conv_layers');

/** One `it` per fixture case: state_dict, output, input/weight grads and renormed weight match PyTorch. */
function layerParity(title: string): void {
  describe(title, () => {
    let fx: Fixture;
    beforeAll(() => {
      fx = readFixture(import.meta.url, 'conv_layers');
    });
    afterAll(() => fx.dispose());
    parityCases(
      'match PyTorch: state_dict, output, input/weight grads, renormed weight',
      LAYER_CASES,
      (c) => {
        const p = `${c.id}.`;
        const m = build(c);
        m.loadStateDict(withPrefix(fx.tensors, `${p}w.`)); // strict: same keys and shapes
        const x = fx.get(`${p}in.x`);
        const r = fx.get(`${p}in.r`);
        const out = m.call(x);
        const name = `${c.cls}(${JSON.stringify(c.args)}, ${JSON.stringify(c.kwargs)})`;
        assertClose(out, fx.get(`${p}out`), { name: `${name} out` });
        const named = [...m.namedParameters()];
        const { value, grads: g } = variableGrads(() => sum(mul(m.call(x), r)) as never, named.map(([, q]) => q.data as Variable));
        for (const [k, q] of named) {
          assertClose(g[q.data.name]!, fx.get(`${p}grad.w.${k}`), { name: `${name} grad ${k}` });
          assertClose(q.data, fx.get(`${p}after.${k}`), { name: `${name} ${k} after renorm` });
        }
        const gx = grads((xx: Tensor) => sum(mul(m.call(xx), r)))([x]);
        assertClose(gx[0]!, fx.get(`${p}grad.in.x`), { name: `${name} grad x` });
        for (const t of [out, value, ...Object.values(g), ...gx]) t.dispose();
        m.dispose();
      },
      { name: (c) => `${c.id}: ${c.cls}(${JSON.stringify(c.args)}, ${JSON.stringify(c.kwargs)})` },
    );
  });
}

describe('conv layers (wasm)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  layerParity('parity with PyTorch (wasm)');

  it('init, shapes, errors, repr, multAdds, no leaks', () => {
    const c = new Conv2d(1, 8, [1, 32], { padding: 'same', bias: false });
    expect(Object.keys(c.stateDict())).toEqual(['weight']);
    const w = c.weight.data.dataSync();
    const bound = 1 / Math.sqrt(32);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    const x = randomNormal([2, 1, 3, 40]);
    const before = memory().numTensors;
    const y = c.call(x);
    expect(y.shape).toEqual([2, 8, 3, 40]);
    y.dispose();
    expect(memory().numTensors).toBe(before);
    expect(() => c.call(zeros([2, 3, 3, 40]))).toThrow(ShapeError);
    expect(() => c.call(zeros([2, 3, 3, 40]))).toThrow(/Conv2d: expected input of shape \[B, 1, H, W\], got \[2, 3, 3, 40\]/);
    expect(c.toString()).toBe('Conv2d(1, 8, kernel_size=(1, 32), stride=(1, 1), padding=same, bias=False)');
    expect(c.multAdds([2, 1, 3, 40], [2, 8, 3, 40])).toBe(2 * 8 * 3 * 40 * 32);
    const k = new Conv2dWithConstraint(8, 16, [22, 1], { groups: 8, bias: false, maxNorm: 1 });
    expect(k.toString()).toContain('groups=8, bias=False, max_norm=1');
    expect(new MaxPool2d(3, { stride: 2 }).toString()).toBe('MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False)');
    expect(new AvgPool2d([1, 8]).multAdds([1, 4, 1, 64], [1, 4, 1, 8])).toBe(4 * 8 * 8);
    c.dispose();
    k.dispose();
  });

  it('CausalConv1d == Conv1d(padding=(K-1)d) + Chomp1d', () => {
    const cc = new CausalConv1d(3, 4, 3, { dilation: 2 });
    const pc = new Conv1d(3, 4, 3, { dilation: 2, padding: 4 });
    pc.loadStateDict(cc.stateDict());
    const ch = new Chomp1d(4);
    const x = randomNormal([2, 3, 13]);
    tidy(() => assertClose(cc.call(x), ch.call(pc.call(x)), { atol: 1e-5 }));
    expect(() => ch.call(zeros([1, 2, 3]))).toThrow(/Chomp1d/);
  });

  it('output-shape law matches PyTorch formula (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        // t ≥ the largest dilated kernel, d·(k − 1) + 1 = 10: shorter inputs are a ShapeError (tested elsewhere)
        fc.integer({ min: 10, max: 20 }),
        fc.boolean(),
        (k, s, d, p, t, ceil) => {
          const conv = new Conv1d(2, 3, k, { stride: s, dilation: d, padding: p });
          const pool = new MaxPool1d(k, { stride: s, padding: Math.min(p, Math.floor(k / 2)), ceilMode: ceil });
          const shapes = tidy(() => {
            const x = zeros([1, 2, t]);
            return [conv.call(x).shape, pool.call(x).shape];
          });
          conv.dispose();
          expect(shapes[0]![2]).toBe(Math.floor((t + 2 * p - d * (k - 1) - 1) / s) + 1);
          const pp = Math.min(p, Math.floor(k / 2));
          let o = (ceil ? Math.ceil : Math.floor)((t + 2 * pp - (k - 1) - 1) / s) + 1;
          if (ceil && (o - 1) * s >= t + pp) o--;
          expect(shapes[1]![2]).toBe(o);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('conv1d input gradient matches central differences (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), (k, d, s) => {
        const conv = new Conv1d(2, 2, k, { dilation: d, stride: s, padding: 1 });
        const x = randomNormal([1, 2, 7]);
        const f = (xx: Tensor): Tensor => sum(mul(conv.call(xx), conv.call(xx)));
        const [g] = grads(f)([x]);
        const xs = x.dataSync();
        const eps = 1e-2;
        const gd = g!.dataSync();
        for (let i = 0; i < xs.length; i++) {
          const e = new Float32Array(xs.length);
          e[i] = eps;
          const num = tidy(() => {
            const et = tensor(e, x.shape);
            return (f(add(x, et)).dataSync()[0]! - f(sub(x, et)).dataSync()[0]!) / (2 * eps);
          });
          expect(Math.abs(num - gd[i]!)).toBeLessThan(2e-2 * Math.max(1, Math.abs(num)));
        }
        conv.dispose();
        x.dispose();
        g!.dispose();
      }),
      { numRuns: 6 },
    );
  });

  it('adaptive pool layer', () => {
    const y = new AdaptiveAvgPool2d(1).call(tensor([1, 2, 3, 4], [1, 1, 2, 2]));
    assertClose(y, [2.5]);
    expect(scalar(1).shape).toEqual([]);
  });
});

describe('conv layers (cpu)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  layerParity('parity with PyTorch (cpu)');
});
