import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Accuracy } from '@nnkit/metrics';
import { CrossEntropyLoss, crossEntropy } from '@nnkit/nn';
import { initBackend, manualSeed } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import { memory, tensor } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SGD } from '../optim/sgd.js';
import { Runner } from './runner.js';
import { memoryStorage } from './storage.js';
import { ArrayLoader, blobs, SmallMlp, snapshot, TestRng } from './test-utils.js';

beforeAll(async () => {
  await initBackend();
});

const tmp = mkdtempSync(join(tmpdir(), 'nnkit-runner-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function setup(seed = 0) {
  manualSeed(seed);
  const model = new SmallMlp();
  const tr = blobs(60, 1);
  const dv = blobs(15, 2);
  const runner = new Runner({
    model,
    optimizer: new SGD(model.parameters(), { lr: 0.5 }),
    lossFn: new CrossEntropyLoss(),
    metrics: [new Accuracy()],
    storage: memoryStorage(),
    log: null,
  });
  const train = new ArrayLoader(tr.x, tr.y, 4, 16, new TestRng(seed + 7));
  const dev = new ArrayLoader(dv.x, dv.y, 4, 8);
  return { model, runner, train, dev };
}

describe('Runner', () => {
  it('trains, records the tutorial history, saves the best dev model and reloads it', async () => {
    const { model, runner, train, dev } = setup();
    const h = await runner.fit(train, { epochs: 12, devLoader: dev, evalSteps: 10, savePath: 'best' });
    expect(h.stepLosses.length).toBe(48);
    expect(h.stepLosses[0]![0]).toBe(1);
    expect(h.epochLosses.length).toBe(12);
    expect(h.epochLosses.at(-1)![0]).toBe(48);
    // evaluations at steps 10, 20, 30, 40 and the last step 48
    expect(h.devLosses.map((p) => p[0])).toEqual([10, 20, 30, 40, 48]);
    expect(h.devScores.length).toBe(5);
    expect(h.scoreName).toBe('accuracy');
    expect(h.epochLosses.at(-1)![1]).toBeLessThan(h.epochLosses[0]![1]);
    const best = Math.max(...h.devScores.map((p) => p[1]));
    expect(runner.bestScore).toBe(best);
    const meta = await runner.loadModel('best');
    expect(meta['format']).toBe('nnkit.model.v1');
    expect(meta['bestScore']).toBe(best);
    const r = await runner.evaluate(dev);
    expect(r.accuracy).toBe(best);
    expect(model.training).toBe(true);
    model.dispose();
  });

  it('evaluate: no tape, eval mode, mode restored, per-sample mean loss, metrics over all batches', async () => {
    const { model, runner, dev } = setup(1);
    model.eval();
    const r1 = await runner.evaluate(dev);
    expect(model.training).toBe(false);
    model.train();
    const r2 = await runner.evaluate(dev);
    expect(model.training).toBe(true);
    expect(r2).toEqual(r1);
    // reference: one batch with all 15 rows
    const all = new ArrayLoader(dev.x, dev.y, 4, 15);
    const r3 = await runner.evaluate(all);
    assertClose(r3.loss, r1.loss, { atol: 1e-6 });
    expect(r3.accuracy).toBe(r1.accuracy);
    model.dispose();
  });

  it('predict a tensor or a loader; accepts {x, y} batches and function losses; leaks nothing', async () => {
    const { model, dev } = setup(2);
    const runner = new Runner({ model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), lossFn: (o, y) => crossEntropy(o, y), log: null });
    const objLoader = { *[Symbol.iterator]() { for (const [x, y] of dev) yield { x, y }; } };
    await runner.fit(objLoader, { epochs: 1, logSteps: 0 });
    const before = memory().numTensors;
    await runner.fit(objLoader, { epochs: 2, logSteps: 0 });
    await runner.evaluate(dev);
    expect(memory().numTensors).toBe(before);
    const x = tensor(dev.x, [15, 4]);
    const p = runner.predict(x);
    expect(p.shape).toEqual([15, 3]);
    const q = await runner.predict(dev);
    assertClose(q, p, { atol: 1e-6 });
    [x, p, q].forEach((t) => t.dispose());
    expect(memory().numTensors).toBe(before);
    await expect(runner.fit([[1, 2]], { epochs: 1 })).rejects.toThrow(/batch must be \[x, y\]/);
    await expect(runner.fit(dev, { epochs: 1, evalSteps: 5 })).rejects.toThrow(/evalSteps needs a devLoader/);
    model.dispose();
  });

  it('saveModel / loadModel round-trip through files (safetensors + JSON)', async () => {
    const { model } = setup(3);
    const runner = new Runner({ model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), lossFn: new CrossEntropyLoss(), log: null });
    const path = join(tmp, 'sub', 'model');
    await runner.saveModel(path);
    expect(existsSync(`${path}.safetensors`) && existsSync(`${path}.json`)).toBe(true);
    const want = snapshot(model);
    manualSeed(99);
    const other = new SmallMlp();
    const r2 = new Runner({ model: other, optimizer: new SGD(other.parameters(), { lr: 0.1 }), lossFn: new CrossEntropyLoss(), log: null });
    const meta = await r2.loadModel(`${path}.safetensors`);
    expect(meta['model']).toBe('SmallMlp');
    const got = snapshot(other);
    for (const k of Object.keys(want)) assertClose(got[k]!, want[k]!, { atol: 0 });
    await expect(r2.loadModel(join(tmp, 'missing'))).rejects.toThrow(/cannot read/);
    model.dispose();
    other.dispose();
  });
});

describe('Runner state ownership', () => {
  it('exposes the fit loop state read-only: snapshots and getters, no setters', async () => {
    const { runner, train, dev } = setup(3);
    await runner.fit(train, { epochs: 1, devLoader: dev });
    const st = runner.state as { step: number };
    const step = st.step;
    st.step = 999;
    expect(runner.state.step).toBe(step);
    expect(() => {
      (runner as unknown as { bestScore: number }).bestScore = 5;
    }).toThrow(TypeError);
    expect(Object.keys(runner.state).sort()).toEqual(['batchInEpoch', 'epoch', 'epochs', 'step', 'stepsPerEpoch', 'totalSteps']);
    expect('trainStep' in runner).toBe(false);
    expect('resetStop' in runner).toBe(false);
  });
});
