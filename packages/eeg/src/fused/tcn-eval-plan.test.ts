import { backward, crossEntropy } from '@nnkit/nn';
import { initBackend } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import { abs, memory, mul, profile, sub, randomNormal, randomUniform, tensor1d, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EEGTCNet, type EEGTCNetOptions } from '../models/eegtcnet.js';

/** Kernels one call runs. */
async function kernels(f: () => void): Promise<number> {
  return (await profile(() => tidy(f))).kernels.length;
}

/** A model with moved batch-norm statistics and non-trivial weights, in eval mode. */
function trained(opts: EEGTCNetOptions, T: number): EEGTCNet {
  const m = new EEGTCNet(opts);
  tidy(() => void m.call(randomNormal([3, m.nChans, T], 0, 2, 'float32', 4))); // train mode: BN statistics move
  return m.eval();
}

/** The layer-by-layer logits (weight caching off: the plan is not used). */
function reference(m: EEGTCNet, x: Tensor): Tensor {
  m.cacheWeights(false);
  const y = m.call(x);
  m.cacheWeights(true);
  return y;
}

function expectSameAsLayers(m: EEGTCNet, x: Tensor, name: string): void {
  const ref = reference(m, x);
  const y = m.call(x);
  assertClose(y, ref, { atol: 1e-5, rtol: 1e-4, name });
  ref.dispose();
  y.dispose();
}

const cases: Array<[string, EEGTCNetOptions, number, number]> = [
  ['paper defaults, 22 × 1000, batch 1', {}, 1000, 1],
  ['3 channels, 2 classes (BCI IV 2b), batch 5', { nChans: 3, nClasses: 2 }, 1000, 5],
  ['odd length 517, batch 2', { nChans: 5, nClasses: 3 }, 517, 2],
  ['shortest trial, 64 samples', { nChans: 2, nClasses: 2 }, 64, 1],
  ['F1 4, D 3, KE 17, 3 blocks of 16 filters, KT 3 (no downsample after the first)', { nChans: 4, nClasses: 3, F1: 4, D: 3, KE: 17, L: 3, FT: 16, KT: 3 }, 300, 2],
  ['FT equal to F1·D: no downsample at all', { nChans: 3, nClasses: 2, F1: 6, D: 2, FT: 12, KE: 9 }, 256, 1],
  ['kernel 64 (four depthwise pieces)', { nChans: 3, nClasses: 4, KE: 64 }, 400, 1],
];

describe.each(['wasm', 'cpu'] as const)('EEG-TCNet eval plan (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });
  afterAll(async () => {
    await initBackend();
  });

  it.each(cases)('%s: same logits as the layers', (_, opts, T, B) => {
    const m = trained(opts, T);
    const x = randomNormal([B, m.nChans, T], 0, 1, 'float32', 7);
    expectSameAsLayers(m, x, 'eval plan');
    x.dispose();
    m.dispose();
  });

  it('runs under a third of the layers’ kernels and leaks nothing', async () => {
    const base = memory().numTensors;
    const m = trained({ nChans: 22, nClasses: 4 }, 1000);
    const x = randomNormal([1, 22, 1000]);
    m.cacheWeights(false);
    const layers = await kernels(() => void m.call(x));
    m.cacheWeights(true);
    tidy(() => void m.call(x)); // prepares the plan's weights
    const before = memory().numTensors;
    const planned = await kernels(() => void m.call(x));
    expect(planned).toBeLessThan(layers / 3);
    expect(memory().numTensors).toBe(before);
    x.dispose();
    m.dispose(); // frees the plan's weights too
    expect(memory().numTensors).toBe(base);
  });
});

describe('EEG-TCNet eval plan: never stale', () => {
  beforeAll(async () => {
    await initBackend();
  });
  const T = 256;
  const make = (): { m: EEGTCNet; x: Tensor } => {
    const m = trained({ nChans: 3, nClasses: 2 }, T);
    const x = randomNormal([2, 3, T], 0, 1, 'float32', 11);
    tidy(() => void m.call(x)); // the plan's weights are cached now
    return { m, x };
  };

  it('after loadStateDict', () => {
    const { m, x } = make();
    const other = trained({ nChans: 3, nClasses: 2 }, T);
    m.loadStateDict(other.stateDict());
    expectSameAsLayers(m, x, 'after loadStateDict');
    other.dispose();
    m.dispose();
    x.dispose();
  });

  it('after an in-place edit of one parameter (assign)', () => {
    const { m, x } = make();
    const w = m.tcn.getChild('network')!.getChild('1')!.getChild('net')!.getChild('5')!.getParameter('weight')!;
    w.assign(randomUniform(w.shape, -1, 1));
    expectSameAsLayers(m, x, 'after assign');
    m.dispose();
    x.dispose();
  });

  it('after a training step moved batch-norm statistics and weights', () => {
    const { m, x } = make();
    const before = m.call(x);
    m.train();
    const y = tensor1d([0, 1], 'int32');
    const grads = backward(() => crossEntropy(m.call(x), y), m);
    grads.dispose();
    for (const p of m.parameters()) if (p.grad) tidy(() => p.assign(sub(p.data, mul(p.grad!, 0.1))));
    m.eval();
    expectSameAsLayers(m, x, 'after a step');
    const after = m.call(x);
    expect(Math.max(...Array.from(tidy(() => abs(sub(after, before))).dataSync()))).toBeGreaterThan(1e-4); // the step did change the logits
    before.dispose();
    after.dispose();
    y.dispose();
    m.dispose();
    x.dispose();
  });

  it('with a forward hook on a layer: the layers run, so the hook fires', () => {
    const { m, x } = make();
    let fired = 0;
    const h = m.bn3.registerForwardHook(() => void fired++);
    tidy(() => void m.call(x));
    expect(fired).toBe(1);
    h.remove();
    tidy(() => void m.call(x));
    expect(fired).toBe(1);
    m.dispose();
    x.dispose();
  });
});
