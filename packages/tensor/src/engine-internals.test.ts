import { customGrad, engine, type GradSaveFunc, exp, matMul, memory, mul, profile, reshape, scalar, slice, sum, tensor1d, tensor2d, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { NotSupportedError } from './errors/errors.js';
import { checkEngineInternals, isRecordingGradients, withoutGradientTape, withSharedSavedTensors } from './engine-internals.js';

beforeAll(async () => {
  await initBackend('cpu');
});

// These tests pin the tfjs-core internals nnkit relies on. If one fails after a tfjs upgrade,
// update src/engine-internals.ts (the only file that reads them) and the peer range together.
describe('tfjs engine internals (tfjs-core 4.22.0)', () => {
  it('Engine.isTapeOn exists and is true only while a tape records', () => {
    expect(typeof (engine() as unknown as { isTapeOn?: unknown }).isTapeOn).toBe('function');
    expect(isRecordingGradients()).toBe(false);
    const seen: boolean[] = [];
    const x = tensor1d([1, 2]);
    const { value, grads } = engine().gradients(() => {
      seen.push(isRecordingGradients());
      return sum(mul(x, x)) as Tensor;
    }, [x]);
    expect(seen).toEqual([true]);
    value.dispose();
    grads.forEach((g) => g.dispose());
    x.dispose();
  });

  it('Engine.state.gradientDepth is a number that pauses the tape at 0', () => {
    const st = (engine() as unknown as { state?: { gradientDepth?: unknown } }).state;
    expect(typeof st?.gradientDepth).toBe('number');
    const x = tensor1d([1, 2]);
    const { value, grads } = engine().gradients(() => {
      const inside: boolean[] = [];
      const c = withoutGradientTape(() => {
        inside.push(isRecordingGradients());
        return mul(x, scalar(3)); // a constant to the tape
      });
      expect(inside).toEqual([false]);
      expect(isRecordingGradients()).toBe(true);
      return sum(mul(x, c)) as Tensor;
    }, [x]);
    // d/dx sum(x · 3x) with the 3x paused = 3x
    expect(Array.from(grads[0]!.dataSync())).toEqual([3, 6]);
    value.dispose();
    grads.forEach((g) => g.dispose());
    x.dispose();
  });

  it('checkEngineInternals passes on the tested tfjs-core', () => {
    expect(() => checkEngineInternals()).not.toThrow();
  });

  it('fails loudly (NotSupportedError naming the internal) when one is missing', () => {
    const st = (engine() as unknown as { state: { gradientDepth: unknown } }).state;
    const depth = st.gradientDepth;
    st.gradientDepth = undefined;
    try {
      expect(() => withoutGradientTape(() => 0)).toThrow(NotSupportedError);
      expect(() => checkEngineInternals()).toThrow(/gradientDepth.*4\.22\.0/);
    } finally {
      st.gradientDepth = depth;
    }
  });

  it('withSharedSavedTensors: the same gradients without Identity clones, nothing leaks, tfjs behaviour outside it', async () => {
    const w = tensor2d([[0.5, -1], [2, 0.25]]);
    const x = tensor2d([[1, 2], [3, -1]]);
    const f = (): Tensor => sum(exp(matMul(x, w))) as Tensor;
    const run = (): number[] => {
      const { value, grads } = engine().gradients(f, [w]);
      const g = Array.from(grads[0]!.dataSync());
      value.dispose();
      grads.forEach((t) => t.dispose());
      return g;
    };
    const plain = run();
    const before = memory().numTensors;
    const shared = withSharedSavedTensors(run);
    expect(shared).toEqual(plain);
    expect(memory().numTensors).toBe(before);
    const ids = async (fn: () => void): Promise<number> => (await profile(fn)).kernels.filter((k) => k.name === 'Identity').length;
    expect(await ids(run)).toBeGreaterThan(0);
    expect(await ids(() => void withSharedSavedTensors(run))).toBe(0);
    // the engine is patched once (its own properties do not change from call to call: V8 keeps it a fast object)
    const keys = Object.keys(engine()).sort();
    // nested calls and errors leave tfjs's own saving in place outside a call
    expect(() => withSharedSavedTensors(() => withSharedSavedTensors(() => { throw new Error('boom'); }))).toThrow('boom');
    expect(Object.keys(engine()).sort()).toEqual(keys);
    expect(await ids(run)).toBeGreaterThan(0);
    expect(run()).toEqual(plain);
    expect(withSharedSavedTensors(run)).toEqual(plain);
    w.dispose();
    x.dispose();
  });

  // A chain whose first op records the live bytes when its gradient runs (the last node walked).
  const chain = (x: Tensor, seen: number[]): Tensor => {
    const probe = customGrad((...args: Array<Tensor | GradSaveFunc>) => ({ value: mul(args[0] as Tensor, 1), gradFunc: (dy: Tensor) => (seen.push(memory().numBytes), dy) }));
    let h = probe(x) as Tensor;
    for (let i = 0; i < 8; i++) h = exp(mul(reshape(slice(h, [0], [h.size]), [h.size]), 0.1));
    return sum(h) as Tensor;
  };
  const gradsOf = (x: Tensor, seen: number[], dy?: Tensor): number[] => {
    const { value, grads } = engine().gradients(() => chain(x, seen), [x], dy);
    const g = Array.from(grads[0]!.dataSync());
    value.dispose();
    grads.forEach((t) => t.dispose());
    return g;
  };

  it('withSharedSavedTensors frees saved tensors and gradients during the backward pass, same gradients, nothing leaks', () => {
    const x = tensor1d(Array.from({ length: 4096 }, (_, i) => Math.sin(i)));
    const plainSeen: number[] = [];
    const leanSeen: number[] = [];
    const plain = gradsOf(x, plainSeen);
    const before = memory().numTensors;
    const lean = withSharedSavedTensors(() => gradsOf(x, leanSeen));
    expect(lean).toEqual(plain);
    expect(memory().numTensors).toBe(before);
    // plain: 8 steps' saved activations and gradients still live at the last node; lean: a few.
    expect(leanSeen[0]!).toBeLessThan(plainSeen[0]! / 3);
    // outside a call the engine keeps everything until the end again, as tfjs-core does
    const againSeen: number[] = [];
    expect(gradsOf(x, againSeen)).toEqual(plain);
    expect(againSeen[0]!).toBe(plainSeen[0]!);
    x.dispose();
  });

  it('withSharedSavedTensors keeps a caller-supplied dy and pass-through gradients alive', () => {
    const x = tensor1d([0.5, -1, 2]);
    const dy = scalar(2);
    const plain = gradsOf(x, [], dy);
    expect(withSharedSavedTensors(() => gradsOf(x, [], dy))).toEqual(plain);
    expect(dy.isDisposed).toBe(false);
    expect(dy.dataSync()[0]).toBe(2);
    // a gradient that hands dy on unchanged, straight to the variable
    const ident = customGrad((...args: Array<Tensor | GradSaveFunc>) => ({ value: mul(args[0] as Tensor, 1), gradFunc: (g: Tensor) => g }));
    const { value, grads } = withSharedSavedTensors(() => engine().gradients(() => sum(mul(ident(x) as Tensor, ident(x) as Tensor)) as Tensor, [x]));
    expect(Array.from(grads[0]!.dataSync())).toEqual([1, -2, 4]);
    value.dispose();
    grads.forEach((t) => t.dispose());
    for (const t of [x, dy]) t.dispose();
  });
});
