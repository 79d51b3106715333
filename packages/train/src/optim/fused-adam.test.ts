import { Parameter } from '@nnkit/nn';
import { initBackend } from '@nnkit/tensor';
import { add, clone, div, keep, maximum, memory, mul, neg, profile, randomNormal, sqrt, square, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW, type AdamOptions } from './adam.js';

/** The per-parameter tensor ops of PyTorch 1.13's `_single_tensor_adam`, one kernel each. */
function reference(p: Tensor, g: Tensor, st: { m: Tensor; v: Tensor; x: Tensor; t: number }, o: AdamOptions, decoupled: boolean): Tensor {
  const [b1, b2] = o.betas;
  st.t += 1;
  return tidy(() => {
    let grad = o.maximize ? neg(g) : g;
    let q = p;
    if (decoupled) q = mul(q, 1 - o.lr * o.weightDecay);
    else if (o.weightDecay !== 0) grad = add(grad, mul(q, o.weightDecay));
    const m = add(mul(st.m, b1), mul(grad, 1 - b1));
    const v = add(mul(st.v, b2), mul(square(grad), 1 - b2));
    let second = v;
    if (o.amsgrad) second = maximum(st.x, v);
    const denom = add(div(sqrt(second), Math.sqrt(1 - b2 ** st.t)), o.eps);
    const out = add(q, mul(div(m, denom), -(o.lr / (1 - b1 ** st.t))));
    for (const k of ['m', 'v', 'x'] as const) st[k].dispose();
    st.m = m;
    st.v = v;
    st.x = o.amsgrad ? second : clone(v);
    for (const t of [st.m, st.v, st.x]) keep(t);
    return out;
  });
}

const OPTIONS: [string, Partial<AdamOptions>, boolean][] = [
  ['Adam defaults', {}, false],
  ['Adam amsgrad + L2 weight decay', { amsgrad: true, weightDecay: 0.1, lr: 0.01 }, false],
  ['Adam maximize, betas, eps', { maximize: true, betas: [0.8, 0.95], eps: 1e-6 }, false],
  ['AdamW decoupled decay + amsgrad', { amsgrad: true, weightDecay: 0.05, lr: 0.02 }, true],
];

describe.each(['wasm', 'cpu'] as const)('fused Adam kernel on %s', (backend) => {
  it.each(OPTIONS)('%s: bit-identical to the per-op update over 4 steps, one fused kernel per step (the large parameter per-op), no leaks', async (_, opts, decoupled) => {
    await initBackend(backend);
    // [70, 70] (4,900 elements) is above FUSED_MAX_SIZE: updated by the per-op path.
    const shapes = [[3, 4], [5], [2, 1, 3], [70, 70]];
    const params = shapes.map((s) => new Parameter(randomNormal(s, 0, 1, 'float32', 7)));
    const refP: Tensor[] = params.map((p) => clone(p.data));
    const full: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: decoupled ? 1e-2 : 0, amsgrad: false, maximize: false, ...opts };
    const refSt = params.map((p) => ({ m: tidy(() => mul(p.data, 0)), v: tidy(() => mul(p.data, 0)), x: tidy(() => mul(p.data, 0)), t: 0 }));
    const before = memory().numTensors;
    const opt = decoupled ? new AdamW(params, opts) : new Adam(params, opts);
    for (let step = 0; step < 4; step++) {
      opt.zeroGrad();
      // parameter 1 has no gradient on step 2: its step count falls behind the others'
      params.forEach((p, i) => { if (!(i === 1 && step === 2)) p.setGrad(randomNormal(p.shape, 0, 1, 'float32', 100 + 10 * step + i)); });
      const kernels = (await profile(() => opt.step())).kernels.map((k) => k.name);
      // the first step also creates the zero moments
      expect(kernels.filter((k) => k === 'NnkitAdam')).toEqual(['NnkitAdam']);
      params.forEach((p, i) => {
        if (p.grad === null) return;
        const next = reference(refP[i]!, p.grad, refSt[i]!, full, decoupled);
        refP[i]!.dispose();
        refP[i] = next;
      });
      params.forEach((p, i) => expect(Array.from(p.data.dataSync()), `step ${step} p${i}`).toEqual(Array.from(refP[i]!.dataSync())));
    }
    params.forEach((p, i) => {
      const st = opt.state.get(p)!;
      expect(st['step']).toBe(refSt[i]!.t);
      expect(Array.from((st['expAvg'] as Tensor).dataSync())).toEqual(Array.from(refSt[i]!.m.dataSync()));
      expect(Array.from((st['expAvgSq'] as Tensor).dataSync())).toEqual(Array.from(refSt[i]!.v.dataSync()));
      if (full.amsgrad) expect(Array.from((st['maxExpAvgSq'] as Tensor).dataSync())).toEqual(Array.from(refSt[i]!.x.dataSync()));
    });
    opt.zeroGrad();
    opt.dispose();
    expect(memory().numTensors).toBe(before);
    params.forEach((p) => p.dispose());
    refP.forEach((t) => t.dispose());
    refSt.forEach((s) => [s.m, s.v, s.x].forEach((t) => t.dispose()));
  });
});
