import { Conv2d } from '@nnkit/nn';
import { initBackend } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import { memory, randomNormal, sub, abs, max, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { EEGNet } from './eegnet.js';

beforeAll(async () => {
  await initBackend();
});

const K = 8;
const small = (): EEGNet => new EEGNet({ nChans: 3, nClasses: 2, nTimes: 64, F1: 2, D: 2, F2: 4, kernLength: K });

/** The first three layers through their modules (the generic path). */
const layered = (m: EEGNet, x4: Tensor): Tensor => m.convSpatial.call(m.bn1.call(m.convTemporal.call(x4)));

/** Counts calls of `conv_temporal`'s forward (without a hook, which would itself disable the fused path). */
function countTemporalForward(m: EEGNet): () => number {
  const conv = m.convTemporal;
  const orig = conv.forward.bind(conv);
  let n = 0;
  conv.forward = (x: Tensor): Tensor => {
    n++;
    return orig(x);
  };
  return () => n;
}

/** Replaces `conv_temporal` by a conv with the same weight and another padding mode. */
function withPaddingMode(m: EEGNet, mode: 'circular' | 'reflect' | 'replicate'): Conv2d {
  const conv = new Conv2d(1, 2, [1, K], { padding: 'same', bias: false, paddingMode: mode });
  conv.weight.assign(m.convTemporal.weight.data);
  (m as unknown as { convTemporal: Conv2d }).convTemporal = m.registerModule('conv_temporal', conv);
  return conv;
}

describe('EEGNet front end: fused path or the layers', () => {
  it('takes the fused path for its own layers and matches the layers (eval and train)', () => {
    const m = small();
    const x4 = randomNormal([4, 1, 3, 64], 0, 1, 'float32', 5);
    expect(m.convTemporal.asConvolution()?.padding).toEqual([
      [0, 0],
      [3, 4],
    ]);
    const calls = countTemporalForward(m);
    for (const train of [false, true]) {
      m.train(train);
      tidy(() => {
        const start = calls();
        const fused = m.temporalSpatial(x4);
        expect(calls()).toBe(start); // the fused op ran, not the layers
        assertClose(fused, layered(m, x4), { atol: 1e-4, rtol: 1e-4 });
        expect(calls()).toBe(start + 1);
      });
    }
    x4.dispose();
    m.dispose();
  });

  it.each(['circular', 'reflect', 'replicate'] as const)("falls back to the layers for paddingMode '%s' and still matches them", (mode) => {
    const m = small();
    const x4 = randomNormal([4, 1, 3, 64], 0, 1, 'float32', 6);
    const zerosOut = tidy(() => m.eval().temporalSpatial(x4));
    withPaddingMode(m, mode);
    expect(m.convTemporal.asConvolution()).toBeNull();
    for (const train of [false, true]) {
      m.train(train);
      tidy(() => void m.temporalSpatial(x4)); // fills the eval weight cache (on by default)
      const before = memory().numTensors;
      tidy(() => {
        const y = m.temporalSpatial(x4);
        assertClose(y, layered(m, x4), { atol: 1e-6, rtol: 1e-6 });
        // the padding mode matters at the edges: the fused zero-padded path would differ
        if (!train) expect(max(abs(sub(y, zerosOut))).dataSync()[0]).toBeGreaterThan(1e-3);
      });
      expect(memory().numTensors).toBe(before);
    }
    zerosOut.dispose();
    x4.dispose();
    m.dispose();
  });

  it('runs the layers (so their hooks fire) when a hook observes one of them', () => {
    const m = small().eval();
    const x4 = randomNormal([2, 1, 3, 64], 0, 1, 'float32', 7);
    let calls = 0;
    const h = m.bn1.registerForwardHook(() => {
      calls++;
    });
    tidy(() => m.temporalSpatial(x4));
    expect(calls).toBe(1);
    h.remove();
    tidy(() => m.temporalSpatial(x4));
    expect(calls).toBe(1);
    x4.dispose();
    m.dispose();
  });
});
