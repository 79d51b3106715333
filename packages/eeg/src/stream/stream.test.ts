import { initBackend } from '@nnkit/tensor';
import type { Module } from '@nnkit/nn';
import { readFixture, withPrefix } from '@nnkit/tooling-testing';
import { memory, softmax, type Tensor, tensor, tensor3d, tidy } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { TemporalConvNet } from '../blocks/temporal-conv-net.js';
import { EEGInceptionTCN } from '../models/eeg-inception-tcn.js';
import { EEGNet } from '../models/eegnet.js';
import { EEGTCNet } from '../models/eegtcnet.js';
import { createStream, type StreamOutput } from './create-stream.js';
import { IncrementalRunner } from './incremental.js';
import { planFor } from './plan.js';

beforeAll(async () => {
  await initBackend();
});

/** Deterministic pseudo-EEG: [C, n] channel-major, smooth + noise. */
function signal(channels: number, n: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const out = new Float32Array(channels * n);
  for (let c = 0; c < channels; c++) for (let i = 0; i < n; i++) out[c * n + i] = Math.sin(i / (7 + c)) + 2 * rnd();
  return out;
}

function windowOf(sig: Float32Array, channels: number, n: number, start: number, w: number): Float32Array {
  const out = new Float32Array(channels * w);
  for (let c = 0; c < channels; c++) out.set(sig.subarray(c * n + start, c * n + start + w), c * w);
  return out;
}

function chunkOf(sig: Float32Array, channels: number, n: number, a: number, b: number): Float32Array {
  return windowOf(sig, channels, n, a, b - a);
}

type Model = Module & { call(x: Tensor): Tensor; nChans: number };

function fromFixture(name: string, build: (cfg: Record<string, unknown>) => Model): Model {
  const fx = readFixture(import.meta.url.replace('/stream/', '/models/'), name);
  const m = build(fx.config());
  m.loadStateDict(withPrefix(fx.tensors, 'w.'), { strict: true });
  fx.dispose();
  return m;
}

/** Gives every batch norm non-trivial statistics (deterministic). */
function randomizeBn(m: Module): void {
  const sd = m.stateDict();
  const dict: Record<string, Tensor> = {};
  let k = 0;
  for (const [key, t] of Object.entries(sd)) {
    if (!/(running_mean|running_var|bn\d?\.weight|bn\d?\.bias|net\.[27]\.(weight|bias))$/.test(key)) continue;
    const vals = Array.from({ length: t.size }, (_, i) => Math.sin(1.3 * (i + 1) + ++k));
    const v = key.endsWith('running_var') || key.endsWith('.weight') ? vals.map((x) => 1 + 0.5 * x) : vals.map((x) => 0.5 * x);
    dict[key] = tensor(v, t.shape);
  }
  m.loadStateDict(dict, { strict: false });
  for (const t of Object.values(dict)) t.dispose();
}

function check(model: Model, window: number, hop: number, chunk: number, hops: number): StreamOutput[] {
  const C = model.nChans;
  const n = window + hop * hops + Math.floor(hop / 2);
  const sig = signal(C, n, window + hop);
  const seen: StreamOutput[] = [];
  const stream = createStream(model, { channels: C, sampleRate: 250, window, hop, onOutput: (o) => seen.push(o) });
  const before = memory().numTensors;
  const returned: StreamOutput[] = [];
  for (let a = 0; a < n; a += chunk) returned.push(...stream.push(chunkOf(sig, C, n, a, Math.min(n, a + chunk))));
  expect(returned).toEqual(seen);
  expect(seen.length).toBe(hops + 1);
  for (const o of seen) {
    expect(o.end).toBe(window + o.index * hop);
    const want = tidy(() => softmax(model.call(tensor3d(windowOf(sig, C, n, o.end - window, window), [1, C, window]))).dataSync());
    let maxDiff = 0;
    for (let k = 0; k < want.length; k++) maxDiff = Math.max(maxDiff, Math.abs(want[k]! - o.probs[k]!));
    expect(maxDiff, `output ${o.index}`).toBeLessThanOrEqual(1e-5);
  }
  stream.dispose();
  expect(memory().numTensors).toBeLessThanOrEqual(before);
  return seen;
}

describe('createStream: chunked outputs equal a full forward over the same window', () => {
  it('EEGTCNet (paper hyper-parameters, 3 ch), window 1000, hop 64, chunks of 25', () => {
    const m = new EEGTCNet({ nChans: 3, nClasses: 2 });
    randomizeBn(m);
    const outs = check(m, 1000, 64, 25, 6);
    expect(new Set(outs.map((o) => o.probs[0]!.toFixed(6))).size).toBeGreaterThan(1);
    m.dispose();
  });

  it('EEGTCNet: whole windows through the eval plan; once a hook stops the plan, the incremental path (same outputs)', () => {
    const m = new EEGTCNet({ nChans: 3, nClasses: 2 });
    randomizeBn(m);
    const [C, window, hop] = [3, 1000, 64];
    const n = window + hop * 6;
    const sig = signal(C, n, 11);
    const planned = vi.spyOn(m, 'evalPlanned');
    const stream = createStream(m, { channels: C, sampleRate: 250, window, hop });
    const outs: StreamOutput[] = [];
    let hook: { remove(): void } | undefined;
    for (let a = 0; a < n; a += 25) {
      if (a >= window + 2 * hop && !hook) hook = m.bn1.registerForwardHook(() => undefined); // the plan no longer applies
      outs.push(...stream.push(chunkOf(sig, C, n, a, Math.min(n, a + 25))));
    }
    expect(outs.length).toBe(7);
    // the plan ran for the outputs before the hook (ends 1000, 1064, 1128), then once more
    // (returning null) before the runner took over for good
    expect(planned).toHaveBeenCalledTimes(4);
    hook!.remove();
    for (const o of outs) {
      const want = tidy(() => softmax(m.call(tensor3d(windowOf(sig, C, n, o.end - window, window), [1, C, window]))).dataSync());
      for (let k = 0; k < want.length; k++) expect(Math.abs(want[k]! - o.probs[k]!), `output ${o.index}`).toBeLessThanOrEqual(1e-5);
    }
    stream.dispose();
    m.dispose();
  });

  it('EEGTCNet fixture (KE 31, L 3), hop 128, chunks of 37', () => {
    const m = fromFixture('eegtcnet-3x1000', (c) => new EEGTCNet(c as never));
    check(m, 1000, 128, 37, 4);
    m.dispose();
  });

  it('EEGTCNet with a window longer than the TCN receptive field (1600 samples, 25 pooled steps > 19)', () => {
    const m = new EEGTCNet({ nChans: 3, nClasses: 4 });
    randomizeBn(m);
    check(m, 1600, 64, 25, 4);
    m.dispose();
  });

  it('EEGInceptionTCN fixture (pool 4, max-pool branch), hop 48, chunks of 25', () => {
    const m = fromFixture('inception-3x1000', (c) => new EEGInceptionTCN(c as never));
    check(m, 1000, 48, 25, 4);
    m.dispose();
  });

  it('EEGNet fixture (window = nTimes), hop 96, chunks of 25; a hop larger than the window too', () => {
    const m = fromFixture('eegnet-3x1000', (c) => new EEGNet(c as never));
    check(m, 1000, 96, 25, 3);
    check(m, 1000, 1088, 500, 2);
    m.dispose();
  });

  it('accepts number[][] chunks, several hops in one chunk, and reset()', () => {
    const m = new EEGTCNet({ nChans: 2, nClasses: 3 });
    const n = 1000 + 3 * 64;
    const sig = signal(2, n);
    const s = createStream(m, { channels: 2, sampleRate: 250, window: 1000, hop: 64 });
    const all = s.push(sig);
    expect(all.map((o) => o.index)).toEqual([0, 1, 2, 3]);
    expect(all[3]!.time).toBeCloseTo((1000 + 192) / 250);
    s.reset();
    expect(s.received).toBe(0);
    const rows = [Array.from(sig.subarray(0, n)), Array.from(sig.subarray(n))];
    const again = s.push(rows);
    expect(again.map((o) => Array.from(o.probs))).toEqual(all.map((o) => Array.from(o.probs)));
    s.dispose();
    m.dispose();
  });
});

describe('IncrementalRunner', () => {
  it('recomputes only the edge-affected and new positions after the first window (EEG-TCNet, 1000/64)', () => {
    const m = new EEGTCNet({ nChans: 3, nClasses: 2 }).eval();
    const r = new IncrementalRunner(planFor(m), 3, 1000, 64);
    const sig = signal(3, 1064);
    r.step((a, b) => windowOf(sig, 3, 1064, a, b - a + 1)).dispose();
    expect(r.lastComputed).toEqual([1000, 125, 125, 15]);
    r.step((a, b) => windowOf(sig, 3, 1064, 64 + a, b - a + 1)).dispose();
    // temporal conv (kernel 32: 15 left / 16 right halo): 15 left-edge + 64 new + 16 right-edge positions
    expect(r.lastComputed).toEqual([15 + 64 + 16, 2 + 8 + 2, 9 + 8 + 10, 2 + 1 + 1]);
    r.dispose();
    m.dispose();
  });
});

describe('createStream: clear errors', () => {
  const base = { channels: 3, sampleRate: 250, window: 1000, hop: 64 };
  let m: EEGTCNet;
  beforeAll(() => {
    m = new EEGTCNet({ nChans: 3, nClasses: 2 });
  });

  it('rejects options the model cannot stream', () => {
    expect(() => createStream(m, { ...base, channels: 22 })).toThrow(/built for 3 channels, got channels = 22/);
    expect(() => createStream(m, { ...base, hop: 50 })).toThrow(/hop must be a multiple of 64 .*total pooling factor.*try 64 or 128/);
    expect(() => createStream(m, { ...base, window: 32 })).toThrow(/at least 64 samples/);
    expect(() => createStream(m, { ...base, sampleRate: 0 })).toThrow(/sampleRate/);
    const net = new EEGNet({ nChans: 3, nClasses: 2, nTimes: 512 });
    expect(() => createStream(net, { ...base, hop: 32 })).toThrow(/window must be 512/);
    expect(() => createStream(new TemporalConvNet(3, [4]), base)).toThrow(/TemporalConvNet is not supported/);
  });

  it('rejects bad chunks with what was expected', () => {
    const s = createStream(m, base);
    expect(() => s.push(new Float32Array(10))).toThrow(/not a multiple of 3/);
    expect(() => s.push([[1, 2], [3, 4]])).toThrow(/expected 3 channel rows, got 2/);
    expect(() => s.push([[1, 2], [3], [5, 6]])).toThrow(/same length.*row 1 has 1/);
    s.push(new Float32Array(30));
    const bad = new Float32Array(30);
    bad[12] = Number.NaN;
    expect(() => s.push(bad)).toThrow(/non-finite value NaN at channel 1, sample 2 of the chunk \(sample 12 of the stream\)/);
    expect(() => s.push([[1], [Infinity], [0]])).toThrow(/non-finite value Infinity at channel 1/);
    expect(() => s.push('abc' as never)).toThrow(/Float32Array .* or number\[\]\[\]/);
    expect(s.received).toBe(10);
    s.dispose();
  });
});
