import { ArgumentError, initBackend, NnkitError, ShapeError } from '@nnkit/tensor';
import { backward, grad, type Module, zeroGrad } from '@nnkit/nn';
import {
  abs,
  add,
  memory,
  mul,
  ones,
  randomNormal,
  reshape,
  scalar,
  square,
  sub,
  sum,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AttentionGate,
  CBAM,
  CBAMChannelGate,
  CBAMSpatialGate,
  ChannelAttention,
  CrissCrossAttention,
  EfficientAttention,
  InterlacedSparseSelfAttention,
  MultiheadAttention,
  PositionAttention,
  SelfAttention2d,
  SelfAttentionBlock,
  SpatialReductionAttention,
} from './index.js';

interface Trainable {
  module: Module;
  /** Loss of one forward pass on fixed inputs. */
  loss: () => Tensor;
  inputs: Tensor[];
}

function setGammas(m: Module, v: number): void {
  for (const [n, p] of m.namedParameters()) if (n.split('.').pop() === 'gamma') p.assign(tensor([v]));
}

/** One constructed module per kind with a loss over fixed inputs (inputs owned by the case). */
function trainables(): Record<string, Trainable> {
  const x = randomNormal([2, 8, 5, 7], 0, 1, 'float32', 1);
  const g = randomNormal([2, 6, 5, 7], 0, 1, 'float32', 2);
  const tok = randomNormal([2, 35, 8], 0, 1, 'float32', 3);
  const sq = (y: Tensor): Tensor => sum(square(y));
  const mk = (module: Module, f: (m: Module) => Tensor, inputs: Tensor[]): Trainable => {
    setGammas(module, 0.5);
    return { module, loss: () => f(module), inputs };
  };
  const img = <M extends Module & { call(x: Tensor): Tensor }>(m: M): Trainable => mk(m, () => sq(m.call(x)), [x]);
  const mha = new MultiheadAttention(8, 2, { batchFirst: true, addBiasKv: true, addZeroAttn: true });
  const sra = new SpatialReductionAttention(8, { numHeads: 2, srRatio: 2, qkvBias: true });
  const gate = new AttentionGate(6, 8, 4);
  return {
    AttentionGate: mk(gate, () => sq(gate.call(g, x)), [g, x]),
    PositionAttention: img(new PositionAttention(8, { reduction: 2 })),
    ChannelAttention: img(new ChannelAttention()),
    CBAMChannelGate: img(new CBAMChannelGate(8, { reduction: 2 })),
    CBAMSpatialGate: img(new CBAMSpatialGate({ kernelSize: 3 })),
    CBAM: img(new CBAM(8, { reduction: 4 })),
    SelfAttention2d: img(new SelfAttention2d(8, { reduction: 2 })),
    CrissCrossAttention: img(new CrissCrossAttention(8, { reduction: 2, recurrence: 2 })),
    SelfAttentionBlock: img(new SelfAttentionBlock(8, 4, 4, 8)),
    InterlacedSparseSelfAttention: img(new InterlacedSparseSelfAttention(8, 4, 4, 8, { block: [2, 3] })),
    EfficientAttention: img(new EfficientAttention(8, 4, 8, { headCount: 2 })),
    SpatialReductionAttention: mk(sra, () => sq(sra.call(tok, 5, 7)), [tok]),
    MultiheadAttention: mk(mha, () => {
      const [o, w] = mha.call(tok, tok, tok);
      return add(sq(o), sq(w!));
    }, [tok]),
  };
}

describe.each(['wasm', 'cpu'] as const)('gradients on %s', (backend) => {
  let cases: Record<string, Trainable>;
  beforeAll(async () => {
    await initBackend(backend);
    cases = trainables();
  });
  afterAll(() => {
    for (const c of Object.values(cases)) {
      c.module.dispose();
      for (const t of c.inputs) if (!t.isDisposed) t.dispose();
    }
  });

  it.each([
    'AttentionGate', 'PositionAttention', 'ChannelAttention', 'CBAMChannelGate', 'CBAMSpatialGate', 'CBAM', 'SelfAttention2d',
    'CrissCrossAttention', 'SelfAttentionBlock', 'InterlacedSparseSelfAttention', 'EfficientAttention', 'SpatialReductionAttention',
    'MultiheadAttention',
  ])('%s: finite non-zero input and parameter gradients; no tensor leaked over backward + SGD steps', (name) => {
    const c = cases[name]!;
    c.module.train();
    // input gradients
    const gx = grad((...xs) => {
      void xs;
      return c.loss();
    }, c.inputs, { allowUnused: true });
    for (const gi of gx) {
      expect(Number.isFinite(sum(abs(gi)).dataSync()[0]!)).toBe(true);
      gi.dispose();
    }
    const step = (): number => {
      zeroGrad(c.module);
      const loss = backward(c.loss, c.module);
      const v = loss.dataSync()[0]!;
      loss.dispose();
      for (const p of c.module.parameters()) {
        if (p.grad === null) throw new Error(`${name}: no gradient for a parameter`);
        const next = tidy(() => sub(p.data, mul(p.grad!, 1e-3)));
        p.assign(next);
        next.dispose();
      }
      return v;
    };
    step();
    const before = memory().numTensors;
    const losses = [step(), step(), step(), step()];
    expect(memory().numTensors).toBe(before);
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    const total = c.module.parameters().reduce((a, p) => a + sum(abs(p.grad!)).dataSync()[0]!, 0);
    expect(total).toBeGreaterThan(0);
    zeroGrad(c.module);
  });
});

describe('behaviour', () => {
  beforeAll(async () => {
    await initBackend();
  });

  /** |f(x + δ e_p) − f(x)| per output position, summed over batch and channels: [H, W]. */
  function influence(m: CrissCrossAttention, x: Tensor, p: [number, number]): number[][] {
    return tidy(() => {
      const [, c, h, w] = x.shape;
      const d = new Float32Array(x.size);
      for (let ch = 0; ch < c!; ch++) d[ch * h! * w! + p[0] * w! + p[1]] = 1;
      const y0 = m.call(x);
      const y1 = m.call(add(x, tensor(d, x.shape)));
      return sum(abs(sub(y1, y0)), [0, 1]).arraySync() as number[][];
    });
  }

  it('CrissCrossAttention, recurrence 1: an output position depends only on its row and column', () => {
    const m = new CrissCrossAttention(8, { reduction: 2 });
    setGammas(m, 1);
    m.eval();
    const x = randomNormal([1, 8, 6, 7], 0, 1, 'float32', 4);
    const inf = influence(m, x, [2, 3]);
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 7; j++) {
        const onCross = i === 2 || j === 3;
        if (onCross) expect(inf[i]![j]!, `(${i}, ${j})`).toBeGreaterThan(1e-6);
        else expect(inf[i]![j]!, `(${i}, ${j})`).toBe(0);
      }
    }
    x.dispose();
    m.dispose();
  });

  it('CrissCrossAttention, recurrence 2: every output position depends on every input position', () => {
    const m = new CrissCrossAttention(8, { reduction: 2, recurrence: 2 });
    setGammas(m, 1);
    m.eval();
    const x = randomNormal([1, 8, 6, 7], 0, 1, 'float32', 5);
    for (const p of [[2, 3], [0, 0], [5, 6]] as [number, number][]) {
      const inf = influence(m, x, p);
      for (const row of inf) for (const v of row) expect(v).toBeGreaterThan(1e-7);
    }
    x.dispose();
    m.dispose();
  });

  it('SelfAttention2d and PositionAttention start as the identity (gamma = 0)', () => {
    const x = randomNormal([1, 8, 3, 4]);
    for (const m of [new SelfAttention2d(8), new PositionAttention(8)]) {
      const y = m.call(x);
      expect(sum(abs(sub(y, x))).dataSync()[0]).toBe(0);
      y.dispose();
      m.dispose();
    }
    x.dispose();
  });

  it('ISSA handles any H × W and matches dense attention shape-wise (padding cropped back)', () => {
    const m = new InterlacedSparseSelfAttention(4, 2, 3, 5, { block: 4 });
    for (const [h, w] of [[1, 1], [3, 9], [8, 8], [13, 5]]) {
      const y = m.call(zeros([2, 4, h!, w!]));
      expect(y.shape).toEqual([2, 5, h, w]);
      y.dispose();
    }
    m.dispose();
  });
});

describe('attention maps', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('every module exposes its map with the documented shape; rows of softmax maps sum to 1', () => {
    const x = randomNormal([2, 8, 5, 7]);
    const before = memory().numTensors;
    const rowsSumTo1 = (a: Tensor, axis = -1): void => {
      const s = tidy(() => sum(abs(sub(sum(a, axis), 1))).dataSync()[0]!);
      expect(s).toBeLessThan(1e-3);
    };
    const check = (t: Tensor, shape: number[], softmaxAxis?: number): void => {
      expect(t.shape).toEqual(shape);
      if (softmaxAxis !== undefined) rowsSumTo1(t, softmaxAxis);
      t.dispose();
    };
    const mods: Module[] = [];
    const keep = <M extends Module>(m: M): M => (mods.push(m), m);
    check(keep(new PositionAttention(8)).attentionMap(x), [2, 35, 35], -1);
    check(keep(new SelfAttention2d(8)).attentionMap(x), [2, 35, 35], -1);
    check(keep(new ChannelAttention()).attentionMap(x), [2, 8, 8], -1);
    const cbam = keep(new CBAM(8, { reduction: 2 })).attentionMap(x);
    check(cbam.channel, [2, 8, 1, 1]);
    check(cbam.spatial, [2, 1, 5, 7]);
    check(keep(new AttentionGate(8, 8, 4)).attentionMap(x, x), [2, 1, 5, 7]);
    const cc = keep(new CrissCrossAttention(8, { recurrence: 2 })).attentionMap(x);
    expect(cc).toHaveLength(2);
    for (const a of cc) check(a, [2, 5, 7, 12], -1);
    const issa = keep(new InterlacedSparseSelfAttention(8, 4, 4, 8, { block: [2, 3] })).attentionMap(x);
    check(issa.long, [2 * 6, 9, 9], -1);
    check(issa.short, [2 * 9, 6, 6], -1);
    const ea = keep(new EfficientAttention(8, 6, 8, { headCount: 2 })).attentionMap(x);
    expect(ea.shape).toEqual([2, 6, 5, 7]);
    const eaFlat = reshape(ea, [2, 6, 35]);
    rowsSumTo1(eaFlat);
    eaFlat.dispose();
    ea.dispose();
    const tok = randomNormal([2, 35, 8]);
    check(keep(new SpatialReductionAttention(8, { numHeads: 2, srRatio: 2 })).attentionMap(tok, 5, 7), [2, 2, 35, 6], -1);
    const [o, w] = keep(new MultiheadAttention(8, 2, { batchFirst: true })).call(tok, tok, tok, { averageAttnWeights: false });
    o.dispose();
    check(w!, [2, 2, 35, 35], -1);
    tok.dispose();
    for (const m of mods) m.dispose();
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('bad input gets a clear nnkit error naming the module path', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('a channel count that does not match construction', () => {
    const x = zeros([1, 5, 4, 4]);
    for (const m of [
      new PositionAttention(8),
      new SelfAttention2d(8),
      new CrissCrossAttention(8),
      new CBAM(8),
      new CBAMChannelGate(8),
      new InterlacedSparseSelfAttention(8, 4, 4, 8),
      new EfficientAttention(8, 4, 4),
    ] as (Module & { call(x: Tensor): Tensor })[]) {
      expect(() => m.call(x)).toThrow(ShapeError);
      expect(() => m.call(x)).toThrow(new RegExp(`^${m.constructor.name}.*built for 8 channels, got 5`));
      m.dispose();
    }
    const gate = new AttentionGate(6, 8, 4);
    expect(() => gate.call(zeros([1, 6, 4, 4]), x)).toThrow(/AttentionGate: expected skip connection x of shape \[B, 8, H, W\].*got 5/);
    expect(() => gate.call(zeros([1, 6, 3, 4]), zeros([1, 8, 4, 4]))).toThrow(/resize g first/);
    gate.dispose();
    x.dispose();
  });

  it('the path of a nested module is named', () => {
    const issa = new InterlacedSparseSelfAttention(8, 4, 4, 8);
    expect(() => issa.long_range.call(zeros([1, 3, 2, 2]))).toThrow(/^InterlacedSparseSelfAttention\.long_range: expected input of shape \[B, 8, H, W\]/);
    issa.dispose();
  });

  it('H·W ≠ N for SpatialReductionAttention', () => {
    const m = new SpatialReductionAttention(8, { srRatio: 2 });
    const tok = zeros([1, 35, 8]);
    expect(() => m.call(tok, 5, 6)).toThrow(ShapeError);
    expect(() => m.call(tok, 5, 6)).toThrow(/SpatialReductionAttention: expected input of shape \[B, 30, 8\] \(N = H·W = 5·6 = 30\), got \[1, 35, 8\]/);
    expect(() => m.call(zeros([1, 35, 4]), 5, 7)).toThrow(/\[B, N, 8\]/);
    tok.dispose();
    m.dispose();
  });

  it('a mask of the wrong shape for MultiheadAttention', () => {
    const m = new MultiheadAttention(8, 2);
    const q = zeros([5, 2, 8]);
    const k = zeros([6, 2, 8]);
    expect(() => m.call(q, k, k, { attnMask: zeros([5, 5]) })).toThrow(/MultiheadAttention: expected attnMask of shape \[5, 6\].*got \[5, 5\]/);
    expect(() => m.call(q, k, k, { attnMask: zeros([2, 5, 6]) })).toThrow(/expected attnMask of shape \[4, 5, 6\]/);
    expect(() => m.call(q, k, k, { keyPaddingMask: ones([2, 5], 'bool') })).toThrow(/expected keyPaddingMask of shape \[2, 6\].*got \[2, 5\]/);
    expect(() => m.call(q, zeros([6, 2, 4]), k)).toThrow(/expected key of shape.*kdim=8.*got \[6, 2, 4\]/);
    for (const t of [q, k]) t.dispose();
    m.dispose();
  });

  it('bad constructor arguments', () => {
    expect(() => new PositionAttention(4)).toThrow(ArgumentError);
    expect(() => new SpatialReductionAttention(8, { numHeads: 3 })).toThrow(/dim \(8\) must be divisible by num_heads \(3\)/);
    expect(() => new MultiheadAttention(8, 3)).toThrow(ArgumentError);
    expect(() => new EfficientAttention(8, 4, 6, { headCount: 4 })).toThrow(NnkitError);
    expect(() => new InterlacedSparseSelfAttention(8, 4, 4, 8, { block: [0, 2] })).toThrow(ArgumentError);
    expect(() => new CrissCrossAttention(8, { recurrence: -1 })).toThrow(ArgumentError);
  });
});

describe('MultiheadAttention', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('dropout 1 in training zeroes the attention (output = out_proj.bias); eval ignores dropout', () => {
    const m = new MultiheadAttention(4, 2, { dropout: 1 });
    m.out_proj.bias!.assign(tensor([1, 2, 3, 4]));
    const x = randomNormal([3, 2, 4]);
    m.train();
    const [o] = m.call(x, x, x, { needWeights: false });
    expect(Array.from(o.dataSync()).slice(0, 4)).toEqual([1, 2, 3, 4]);
    m.eval();
    const [oe, we] = m.call(x, x, x);
    expect(sum(we!).dataSync()[0]).toBeCloseTo(2 * 3, 4);
    for (const t of [o, oe, we!, x]) t.dispose();
    m.dispose();
    void scalar;
  });
});
