import { Accuracy } from '@nnkit/metrics';
import { CrossEntropyLoss } from '@nnkit/nn';
import { initBackend, manualSeed } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Callback } from '../callbacks/callback.js';
import { EarlyStopping } from '../callbacks/early-stopping.js';
import { ModelCheckpoint } from '../callbacks/model-checkpoint.js';
import { SGD } from '../optim/sgd.js';
import { StepLR } from '../schedulers/step-lr.js';
import { Runner } from './runner.js';
import { memoryStorage, type ModelStorage } from './storage.js';
import { ArrayLoader, blobs, SmallMlp, snapshot, TestRng } from './test-utils.js';

beforeAll(async () => {
  await initBackend();
});

const tr = blobs(40, 1);
const dv = blobs(12, 2);

/** A fresh run: model (dropout draws from nnkit's global RNG), momentum SGD, StepLR, shuffling loader. */
function build(seed: number, storage: ModelStorage, loaderSeed = 11) {
  manualSeed(seed);
  const model = new SmallMlp();
  const optimizer = new SGD(model.parameters(), { lr: 0.3, momentum: 0.9 });
  const runner = new Runner({
    model,
    optimizer,
    lossFn: new CrossEntropyLoss(),
    metrics: [new Accuracy()],
    scheduler: new StepLR(optimizer, 3, { gamma: 0.5 }),
    storage,
    log: null,
  });
  const train = new ArrayLoader(tr.x, tr.y, 4, 16, new TestRng(loaderSeed));
  const dev = new ArrayLoader(dv.x, dv.y, 4, 6);
  return { model, runner, train, dev };
}

const killAfterEpoch = (n: number): Callback => ({
  onEpochEnd: (runner, epoch) => {
    if (epoch + 1 === n) runner.stop('simulated kill');
  },
});

describe('resume', () => {
  it('a run killed after epoch 3 of 8 and resumed ends identical to an uninterrupted run', async () => {
    const storage = memoryStorage();
    const a = build(5, storage);
    await a.runner.fit(a.train, { epochs: 8, devLoader: a.dev, evalSteps: 4 });
    const want = snapshot(a.model);

    const b = build(5, storage);
    const ckpt = new ModelCheckpoint({ dir: 'ck', every: 1, keepLast: 2 });
    await b.runner.fit(b.train, { epochs: 8, devLoader: b.dev, evalSteps: 4, callbacks: [ckpt, killAfterEpoch(3)] });
    expect(b.runner.stoppedBecause).toBe('simulated kill');
    expect(ckpt.saved).toEqual(['ck/epoch-2', 'ck/epoch-3']);
    expect([...storage.files.keys()].some((k) => k.startsWith('ck/epoch-1/'))).toBe(false);

    // a new process: different seeds everywhere, everything comes from the checkpoint
    const c = build(1234, storage, 999);
    const ckpt2 = new ModelCheckpoint({ dir: 'ck', every: 1, keepLast: 2 });
    await c.runner.fit(c.train, { epochs: 8, devLoader: c.dev, evalSteps: 4, resumeFrom: 'ck/epoch-3', callbacks: [ckpt2] });
    const got = snapshot(c.model);
    for (const k of Object.keys(want)) assertClose(got[k]!, want[k]!, { atol: 1e-6, rtol: 0, name: k });
    expect(c.runner.history.stepLosses).toEqual(a.runner.history.stepLosses);
    expect(c.runner.history.devScores).toEqual(a.runner.history.devScores);
    expect(c.runner.optimizer.paramGroups[0]!.lr).toBe(a.runner.optimizer.paramGroups[0]!.lr);
    expect(ckpt2.saved).toEqual(['ck/epoch-7', 'ck/epoch-8']);
    for (const r of [a, b, c]) r.model.dispose();
  });

  it('resumes from a mid-epoch checkpoint (taken at a dev evaluation) identically too', async () => {
    const storage = memoryStorage();
    const a = build(6, storage);
    await a.runner.fit(a.train, { epochs: 4, devLoader: a.dev, evalSteps: 5 });
    const want = snapshot(a.model);
    const b = build(6, storage);
    const midSave: Callback = {
      onEvalEnd: async (runner, step) => {
        if (step === 5) {
          await runner.saveCheckpoint('mid');
          runner.stop('kill');
        }
      },
    };
    await b.runner.fit(b.train, { epochs: 4, devLoader: b.dev, evalSteps: 5, callbacks: [midSave] });
    expect(b.runner.state.batchInEpoch).toBe(2); // 3 batches per epoch: step 5 is batch 2 of epoch 2
    const c = build(77, storage, 5);
    await c.runner.fit(c.train, { epochs: 4, devLoader: c.dev, evalSteps: 5, resumeFrom: 'mid' });
    const got = snapshot(c.model);
    for (const k of Object.keys(want)) assertClose(got[k]!, want[k]!, { atol: 1e-6, rtol: 0, name: k });
    expect(c.runner.history.epochLosses).toEqual(a.runner.history.epochLosses);
    await expect(c.runner.fit(c.train, { epochs: 4, resumeFrom: 'nowhere' })).rejects.toThrow(/not a complete checkpoint/);
    for (const r of [a, b, c]) r.model.dispose();
  });

  it("keeps EarlyStopping's best weights across a resume (restoreBest after the kill)", async () => {
    const storage = memoryStorage();
    const es = (): EarlyStopping => new EarlyStopping({ monitor: 'dev_accuracy', patience: 100, restoreBest: true });
    const a = build(8, storage);
    const esA = es();
    await a.runner.fit(a.train, { epochs: 8, devLoader: a.dev, evalSteps: 2, callbacks: [esA] });
    const want = snapshot(a.model);
    // the best dev accuracy (later equal ones are no improvement) predates the kill after
    // epoch 6 (3 batches per epoch), and training goes on changing the weights after it
    expect(esA.bestStep).toBeLessThanOrEqual(18);

    const b = build(8, storage);
    await b.runner.fit(b.train, {
      epochs: 8,
      devLoader: b.dev,
      evalSteps: 2,
      callbacks: [es(), new ModelCheckpoint({ dir: 'es', every: 1, keepLast: 1 }), killAfterEpoch(6)],
    });
    expect([...storage.files.keys()].some((k) => /^es\/epoch-6\/callbacks-[\w-]+\.safetensors$/.test(k))).toBe(true);
    const c = build(99, storage, 3);
    const esC = es();
    await c.runner.fit(c.train, { epochs: 8, devLoader: c.dev, evalSteps: 2, resumeFrom: 'es/epoch-6', callbacks: [esC] });
    expect(esC.bestStep).toBe(esA.bestStep);
    const got = snapshot(c.model);
    for (const k of Object.keys(want)) assertClose(got[k]!, want[k]!, { atol: 1e-6, rtol: 0, name: k });
    for (const r of [a, b, c]) r.model.dispose();
  });
});
