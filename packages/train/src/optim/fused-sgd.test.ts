import { Parameter } from '@nnkit/nn';
import { initBackend } from '@nnkit/tensor';
import { add, clone, keep, memory, mul, neg, profile, randomNormal, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { SGD, type SGDOptions } from './sgd.js';

/** The per-parameter tensor ops of PyTorch 1.13's `_single_tensor_sgd`, one kernel each. */
function reference(p: Tensor, g: Tensor, st: { buf: Tensor | null }, o: SGDOptions): Tensor {
  return tidy(() => {
    let d = o.maximize ? neg(g) : g;
    if (o.weightDecay !== 0) d = add(d, mul(p, o.weightDecay));
    if (o.momentum !== 0) {
      const buf = st.buf === null ? clone(d) : add(mul(st.buf, o.momentum), mul(d, 1 - o.dampening));
      st.buf?.dispose();
      st.buf = keep(buf);
      d = o.nesterov ? add(d, mul(buf, o.momentum)) : buf;
    }
    return add(p, mul(d, -o.lr));
  });
}

const OPTIONS: [string, Partial<SGDOptions>][] = [
  ['plain', {}],
  ['momentum + dampening + weight decay', { momentum: 0.9, dampening: 0.3, weightDecay: 0.05 }],
  ['nesterov, maximize', { momentum: 0.8, nesterov: true, maximize: true }],
];

describe.each(['wasm', 'cpu'] as const)('fused SGD kernel on %s', (backend) => {
  it.each(OPTIONS)('%s: bit-identical to the per-op update over 4 steps, one fused kernel per step (the large parameter per-op), no leaks', async (_, opts) => {
    await initBackend(backend);
    // [70, 70] (4,900 elements) is above FUSED_MAX_SIZE: updated by the per-op path.
    const shapes = [[3, 4], [5], [2, 1, 3], [70, 70]];
    const params = shapes.map((s) => new Parameter(randomNormal(s, 0, 1, 'float32', 7)));
    const refP: Tensor[] = params.map((p) => clone(p.data));
    const full: SGDOptions = { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...opts };
    const refSt = params.map(() => ({ buf: null as Tensor | null }));
    const before = memory().numTensors;
    const opt = new SGD(params, { lr: 0.1, ...opts });
    for (let step = 0; step < 4; step++) {
      opt.zeroGrad();
      // parameter 1 has no gradient on steps 0 and 2: its momentum buffer starts a step later
      params.forEach((p, i) => { if (!(i === 1 && step % 2 === 0)) p.setGrad(randomNormal(p.shape, 0, 1, 'float32', 100 + 10 * step + i)); });
      expect((await profile(() => opt.step())).kernels.map((k) => k.name).filter((k) => k === 'NnkitSGD')).toEqual(['NnkitSGD']);
      params.forEach((p, i) => {
        if (p.grad === null) return;
        const next = reference(refP[i]!, p.grad, refSt[i]!, full);
        refP[i]!.dispose();
        refP[i] = next;
      });
      params.forEach((p, i) => expect(Array.from(p.data.dataSync()), `step ${step} p${i}`).toEqual(Array.from(refP[i]!.dataSync())));
    }
    params.forEach((p, i) => {
      const buf = opt.state.get(p)?.['momentumBuffer'] as Tensor | undefined;
      if (full.momentum === 0) expect(buf).toBeUndefined();
      else expect(Array.from(buf!.dataSync())).toEqual(Array.from(refSt[i]!.buf!.dataSync()));
    });
    opt.zeroGrad();
    opt.dispose();
    expect(memory().numTensors).toBe(before + refSt.filter((s) => s.buf !== null).length); // the reference's buffers
    params.forEach((p) => p.dispose());
    refP.forEach((t) => t.dispose());
    refSt.forEach((s) => s.buf?.dispose());
  });
});
