// The model contract suite (in the spirit of braindecode's test_model_contract.py): every entry of
// every zoo's `models` export goes through the same checks on wasm. A model is covered by being
// listed in its zoo's `models`; an exported Module class missing from it fails the suite.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, ShapeError } from '@nnkit/tensor';
import { loadPth } from '@nnkit/nn';
import { missingTorch, needs, pythonEnv, TORCH_PYTHON } from '@nnkit/tooling-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalOut, input, maxRelDiff, roundTripSafetensors, stateValues, tensorsOf, values } from './contract.js';
import { PthWriter } from './pth-writer.js';
import { zoos } from './zoos.js';

// The `.pth` round trip writes each state dict with Debian's PyTorch (torch.save) and reads it back
// with nnkit's loadPth; skipped with the reason where that PyTorch is missing.
const noTorch = missingTorch();
let pth: PthWriter | undefined;

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => pth?.close());

describe.each(zoos)('$name', (zoo) => {
  it('lists every exported Module class in `models` (or `modelBases`)', () => {
    const built = zoo.models.map((e) => {
      const m = e.build();
      const name = m.constructor.name;
      m.dispose();
      return name;
    });
    const uncovered = zoo.moduleClasses.map(([n]) => n).filter((n) => !built.includes(n) && !zoo.bases.includes(n));
    expect(uncovered, `exported but not in ${zoo.name}'s models`).toEqual([]);
    expect(new Set(zoo.models.map((e) => e.name)).size, 'unique names').toBe(zoo.models.length);
  });

  // An empty zoo (still being built) has no entries: the registry test above still runs.
  describe.each(zoo.models.map((e) => [e.name, e] as const))('%s', (_name, entry) => {
    const x0 = (batch?: number, seed = 1): tf.Tensor => input(batch === undefined ? entry.inputShape : [batch, ...entry.inputShape.slice(1)], seed);

    it('does not mutate its input (train and eval) and gives finite outputs', () => {
      const m = entry.build();
      const x = x0();
      const before = Array.from(x.dataSync());
      for (const mode of ['train', 'eval'] as const) {
        mode === 'train' ? m.train() : m.eval();
        const out = m.call(x);
        expect(x.isDisposed, mode).toBe(false);
        expect(Array.from(x.dataSync()), `${mode}: input changed`).toEqual(before);
        for (const t of tensorsOf(out)) {
          expect(Array.from(t.dataSync()).every(Number.isFinite), `${mode}: non-finite output`).toBe(true);
          t.dispose();
        }
      }
      x.dispose();
      m.dispose();
    });

    it('leaves its state (parameters, batch-norm statistics) unchanged in eval', () => {
      const m = entry.build();
      const x = x0();
      m.train().call(x); // move the running statistics away from their initial values
      const before = stateValues(m);
      evalOut(m, x);
      evalOut(m, x);
      expect(stateValues(m)).toEqual(before);
      x.dispose();
      m.dispose();
    });

    it('in eval, each output depends on its own sample only, and permuting the batch permutes the outputs', () => {
      const m = entry.build();
      const B = entry.inputShape[0]! >= 2 ? entry.inputShape[0]! : 2;
      const x = x0(B, 3);
      const y = evalOut(m, x);
      const per = y.length / B;
      for (let i = 0; i < B; i++) {
        const xi = tf.slice(x, i, 1);
        const yi = evalOut(m, xi);
        expect(maxRelDiff(yi, y.subarray(i * per, (i + 1) * per)), `sample ${i} alone`).toBeLessThan(1e-5);
        xi.dispose();
      }
      const perm = Array.from({ length: B }, (_, i) => (i + 1) % B);
      const xp = tf.gather(x, tf.tensor1d(perm, 'int32'));
      const yp = evalOut(m, xp);
      const want = Float32Array.from(perm.flatMap((p) => Array.from(y.subarray(p * per, (p + 1) * per))));
      expect(maxRelDiff(yp, want), 'permuted batch').toBeLessThan(1e-5);
      [x, xp].forEach((t) => t.dispose());
      m.dispose();
    });

    it('stateDict → new instance → loadStateDict gives identical outputs (directly and through safetensors)', () => {
      const a = entry.build();
      const x = x0();
      a.train().call(x); // non-initial batch-norm statistics
      const want = evalOut(a, x);
      const b = entry.build();
      b.loadStateDict(a.stateDict());
      expect(Array.from(evalOut(b, x))).toEqual(Array.from(want));
      const c = roundTripSafetensors(entry, a);
      expect(Array.from(evalOut(c, x))).toEqual(Array.from(want));
      [a, b, c].forEach((m) => m.dispose());
      x.dispose();
    });

    needs(noTorch)('stateDict → torch.save (.pth) → loadPth → new instance gives identical outputs', async () => {
      pth ??= new PthWriter(TORCH_PYTHON, pythonEnv());
      const a = entry.build();
      const x = x0();
      a.train().call(x); // non-initial batch-norm statistics
      const want = evalOut(a, x);
      const n0 = tf.memory().numTensors;
      const dict = loadPth(await pth.write(a.stateDict()), { file: `${entry.name}.pth` });
      const d = entry.build();
      d.loadStateDict(dict);
      Object.values(dict).forEach((t) => t.dispose());
      expect(Array.from(evalOut(d, x))).toEqual(Array.from(want));
      d.dispose();
      expect(tf.memory().numTensors, 'tensors left by the .pth load').toBe(n0);
      a.dispose();
      x.dispose();
    }, 120_000);

    it('dispose() frees every tensor it owns (after training and cached-weight inference)', () => {
      const x = x0();
      const n0 = tf.memory().numTensors;
      const m = entry.build();
      tensorsOf(m.train().call(x)).forEach((t) => t.dispose());
      m.eval().cacheWeights();
      evalOut(m, x);
      evalOut(m, x);
      m.dispose();
      expect(tf.memory().numTensors).toBe(n0);
      x.dispose();
    });

    // only where the paper or reference states a count (an entry without one gets no test, not a skip)
    if (entry.paramCount !== undefined) it('has the parameter count of the reference', () => {
      const m = entry.build();
      const n = m.parameters().reduce((s, p) => s + p.size, 0);
      expect(n, entry.paramCount?.source).toBe(entry.paramCount!.value);
      m.dispose();
    });

    it('gives an empty output for an empty batch (or a ShapeError naming the module)', () => {
      const m = entry.build().eval();
      let out: ReturnType<typeof m.call>;
      try {
        out = m.call(x0(0));
      } catch (e) {
        expect(e).toBeInstanceOf(ShapeError);
        m.dispose();
        return;
      }
      expect(values(out).length).toBe(0);
      for (const t of tensorsOf(out)) {
        expect(t.shape[0]).toBe(0);
        t.dispose();
      }
      m.dispose();
    });
  });
});
