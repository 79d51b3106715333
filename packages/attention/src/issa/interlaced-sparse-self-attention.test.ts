import { initBackend } from '@nnkit/tensor';
import { backward, grad, zeroGrad } from '@nnkit/nn';
import { abs, max, memory, mul, randomNormal, sub, sum, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterlacedSparseSelfAttention } from './interlaced-sparse-self-attention.js';

// ISSA computes on rows (block-rows.ts) unless a hook observes a submodule; then it runs the
// blocks module by module on the reference's grouped maps. Both must agree exactly enough.
const maxDiff = (a: Tensor, b: Tensor): number => tidy(() => max(abs(sub(a, b))).dataSync()[0]!);

describe.each(['wasm', 'cpu'] as const)('ISSA row layout against the module-by-module path on %s', (backend) => {
  let rows: InterlacedSparseSelfAttention;
  let grouped: InterlacedSparseSelfAttention;
  let x: Tensor;
  let r: Tensor;
  beforeAll(async () => {
    await initBackend(backend);
    rows = new InterlacedSparseSelfAttention(5, 3, 4, 6, { block: [3, 2] });
    grouped = new InterlacedSparseSelfAttention(5, 3, 4, 6, { block: [3, 2] });
    grouped.loadStateDict(rows.stateDict());
    grouped.short_range.f_key.registerForwardHook(() => undefined);
    x = randomNormal([2, 5, 7, 5], 0, 1, 'float32', 3); // 7 × 5: padded to 9 × 6
    r = randomNormal([2, 6, 7, 5], 0, 1, 'float32', 4);
  });
  afterAll(() => {
    for (const t of [x, r]) t.dispose();
    rows.dispose();
    grouped.dispose();
  });

  it('matches in eval mode, output and input gradient, with no tensor leaked', () => {
    rows.eval();
    grouped.eval();
    rows.call(x).dispose(); // fills the weight caches
    grouped.call(x).dispose();
    const before = memory().numTensors;
    tidy(() => {
      expect(maxDiff(rows.call(x), grouped.call(x))).toBeLessThan(1e-5);
      const [ga] = grad((xx) => sum(mul(rows.call(xx), r)), [x]);
      const [gb] = grad((xx) => sum(mul(grouped.call(xx), r)), [x]);
      expect(maxDiff(ga!, gb!)).toBeLessThan(1e-4);
      ga!.dispose(); // grad keeps its results
      gb!.dispose();
    });
    expect(memory().numTensors).toBe(before);
  });

  it('matches in train mode: output, parameter gradients and running statistics', () => {
    rows.train();
    grouped.train();
    zeroGrad(rows);
    zeroGrad(grouped);
    backward(() => sum(mul(rows.call(x), r)), rows).dispose();
    backward(() => sum(mul(grouped.call(x), r)), grouped).dispose();
    const pa = rows.namedParameters();
    const pb = new Map(grouped.namedParameters());
    for (const [name, p] of pa) expect(maxDiff(p.grad!, pb.get(name)!.grad!), name).toBeLessThan(1e-4);
    const sa = rows.stateDict();
    const sb = grouped.stateDict();
    for (const k of Object.keys(sa)) if (k.includes('running')) expect(maxDiff(sa[k]!, sb[k]!), k).toBeLessThan(1e-6);
    zeroGrad(rows);
    zeroGrad(grouped);
  });

  it('recomputes the cached eval weights after a parameter changes', () => {
    rows.eval();
    grouped.eval();
    tidy(() => {
      rows.call(x);
      const w = rows.long_range.f_value.weight;
      w.assign(mul(w.data, 2));
      grouped.long_range.f_value.weight.assign(rows.long_range.f_value.weight.data.clone());
      expect(maxDiff(rows.call(x), grouped.call(x))).toBeLessThan(1e-5);
    });
  });
});

