import { engine, mul, scalar, sum, tensor1d, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { NotSupportedError } from './errors/errors.js';
import { checkEngineInternals, isRecordingGradients, withoutGradientTape } from './engine-internals.js';

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
});
