import { engine, exp, matMul, memory, mul, profile, scalar, sum, tensor1d, tensor2d, type Tensor } from '@tensorflow/tfjs-core';
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

  it('withSharedSavedTensors: the same gradients without Identity clones, nothing leaks, the engine restored', async () => {
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
    expect(Object.prototype.hasOwnProperty.call(engine(), 'saveTensorsForBackwardMode')).toBe(false);
    // nested calls and errors leave the engine as it was
    expect(() => withSharedSavedTensors(() => withSharedSavedTensors(() => { throw new Error('boom'); }))).toThrow('boom');
    expect(Object.prototype.hasOwnProperty.call(engine(), 'saveTensorsForBackwardMode')).toBe(false);
    expect(withSharedSavedTensors(run)).toEqual(plain);
    w.dispose();
    x.dispose();
  });
});
