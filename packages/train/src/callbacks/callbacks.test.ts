import { Writable } from 'node:stream';
import { Accuracy } from '@nnkit/metrics';
import { CrossEntropyLoss, crossEntropy } from '@nnkit/nn';
import { initBackend, manualSeed } from '@nnkit/tensor';
import { assertClose } from '@nnkit/tooling-testing';
import { mul } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { SGD } from '../optim/sgd.js';
import { StepLR } from '../schedulers/step-lr.js';
import { Runner } from '../runner/runner.js';
import { memoryStorage } from '../runner/storage.js';
import { ArrayLoader, blobs, SmallMlp, snapshot, TestRng } from '../runner/test-utils.js';
import type { Callback, CallbackEvents, CallbackHook } from './callback.js';
import type { Logs } from '../runner/types.js';
import { EarlyStopping } from './early-stopping.js';
import { CSVLogger, JSONLLogger } from './loggers.js';
import { LRSchedulerStep } from './lr-scheduler-step.js';
import { ModelCheckpoint } from './model-checkpoint.js';
import { NaNGuard } from './nan-guard.js';
import { ProgressBar } from './progress-bar.js';

beforeAll(async () => {
  await initBackend();
});

function setup(lossFn: Runner['lossFn'] = new CrossEntropyLoss(), flipDev = false) {
  manualSeed(0);
  const model = new SmallMlp();
  const storage = memoryStorage();
  const optimizer = new SGD(model.parameters(), { lr: 0.5 });
  const runner = new Runner({ model, optimizer, lossFn, metrics: [new Accuracy()], storage, log: null });
  const tr = blobs(48, 1);
  const dv = blobs(12, 2, flipDev);
  return { model, runner, storage, optimizer, train: new ArrayLoader(tr.x, tr.y, 4, 16, new TestRng(3)), dev: new ArrayLoader(dv.x, dv.y, 4, 12) };
}

describe('callbacks', () => {
  it('calls the hooks in order', async () => {
    const { runner, train, dev, model } = setup();
    const seen: string[] = [];
    const cb: Callback = {
      onTrainBegin: () => void seen.push('trainBegin'),
      onEpochBegin: (_r, e) => void seen.push(`epochBegin${e}`),
      onBatchBegin: (_r, s) => void seen.push(`batchBegin${s}`),
      onBackwardEnd: (_r, s) => void seen.push(`backward${s}`),
      onBatchEnd: (_r, s) => void seen.push(`batchEnd${s}`),
      onEvalEnd: (_r, s) => void seen.push(`eval${s}`),
      onEpochEnd: (_r, e, logs) => void seen.push(`epochEnd${e}:${Object.keys(logs).join('|')}`),
      onTrainEnd: () => void seen.push('trainEnd'),
    };
    await runner.fit(train, { epochs: 1, devLoader: dev, callbacks: [cb] });
    expect(seen).toEqual([
      'trainBegin', 'epochBegin0',
      'batchBegin1', 'backward1', 'batchEnd1', 'batchBegin2', 'backward2', 'batchEnd2', 'batchBegin3', 'backward3', 'batchEnd3',
      'eval3', 'epochEnd0:loss|lr|dev_loss|dev_accuracy', 'trainEnd',
    ]);
    model.dispose();
  });

  it('EarlyStopping with restoreBest leaves the weights of the best dev check', async () => {
    // dev labels are permuted: the better the model fits train, the worse the dev loss
    const { runner, train, dev, model } = setup(new CrossEntropyLoss(), true);
    const byStep = new Map<number, Record<string, Float32Array>>();
    const rec: Callback = { onEvalEnd: (r, step) => void byStep.set(step, snapshot(r.model)) };
    const es = new EarlyStopping({ monitor: 'dev_loss', patience: 3, restoreBest: true });
    await runner.fit(train, { epochs: 40, devLoader: dev, callbacks: [rec, es] });
    expect(runner.stoppedBecause).toMatch(/EarlyStopping: dev_loss did not improve for 3/);
    const h = runner.history.devLosses;
    const best = h.reduce((a, b) => (b[1] < a[1] ? b : a));
    expect(es.bestStep).toBe(best[0]);
    expect(es.bestValue).toBe(best[1]);
    expect(runner.state.step).toBe(best[0] + 3 * 3); // 3 checks of 3 steps after the best
    const want = byStep.get(best[0])!;
    const got = snapshot(model);
    expect(got['fc1.weight']).not.toEqual(byStep.get(runner.state.step)!['fc1.weight']);
    for (const k of Object.keys(want)) assertClose(got[k]!, want[k]!, { atol: 0, name: k });
    model.dispose();
  });

  it('NaNGuard stops before the update with a message naming the step', async () => {
    let calls = 0;
    const lossFn = (o: Parameters<typeof crossEntropy>[0], y: Parameters<typeof crossEntropy>[1]) =>
      ++calls === 5 ? mul(crossEntropy(o, y), Number.NaN) : crossEntropy(o, y);
    const { runner, train, model } = setup(lossFn);
    const guard = new NaNGuard();
    await runner.fit(train, { epochs: 5, callbacks: [guard] });
    expect(runner.stoppedBecause).toMatch(/NaNGuard: the training loss became NaN at step 5 \(epoch 2\)/);
    expect(runner.history.stepLosses.length).toBe(4);
    expect(Object.values(snapshot(model)).every((a) => a.every(Number.isFinite))).toBe(true);
    calls = 0;
    await expect(runner.fit(train, { epochs: 5, callbacks: [new NaNGuard({ throwError: true })] })).rejects.toThrow(/at step 5/);
    model.dispose();
  });

  it('ModelCheckpoint best-only (model files) and LRSchedulerStep', async () => {
    const { runner, train, dev, storage, optimizer, model } = setup();
    const ck = new ModelCheckpoint({ dir: 'runs', bestOnly: true, monitor: 'dev_accuracy', full: false });
    const sched = new LRSchedulerStep(new StepLR(optimizer, 2, { gamma: 0.1 }));
    await runner.fit(train, { epochs: 4, devLoader: dev, callbacks: [ck, sched] });
    expect(ck.bestPath).toBe('runs/best');
    // best.json (the commit point) names the one weights file of the newest save: no in-place rewrite
    const weights = [...storage.files.keys()].filter((k) => /^runs\/best.*\.safetensors$/.test(k));
    expect(weights).toHaveLength(1);
    expect(weights[0]).toMatch(/^runs\/best-\d+-[0-9a-z]+\.safetensors$/);
    const meta = JSON.parse(new TextDecoder().decode(storage.files.get('runs/best.json'))) as { weights: { name: string } };
    expect(`runs/${meta.weights.name}`).toBe(weights[0]);
    await runner.loadModel(ck.bestPath!);
    expect(ck.bestValue).toBe(Math.max(...runner.history.devScores.map((p) => p[1])));
    assertClose(optimizer.paramGroups[0]!.lr, 0.5 * 0.01, { atol: 1e-9 });
    expect(() => new ModelCheckpoint({ dir: 'x', keepLast: 0 })).toThrow(/keepLast/);
    model.dispose();
  });

  it('CSV and JSONL loggers write one row per epoch', async () => {
    const { runner, train, dev, storage, model } = setup();
    await runner.fit(train, { epochs: 3, devLoader: dev, callbacks: [new CSVLogger('log.csv'), new JSONLLogger('log.jsonl', { every: 'step' })] });
    const csv = new TextDecoder().decode(storage.files.get('log.csv')).trim().split('\n');
    expect(csv[0]).toBe('epoch,step,loss,lr,dev_loss,dev_accuracy');
    expect(csv.length).toBe(4);
    expect(csv[3]!.startsWith('3,9,')).toBe(true);
    const jl = new TextDecoder().decode(storage.files.get('log.jsonl')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(jl.length).toBe(9);
    expect(jl[8]!['step']).toBe(9);
    model.dispose();
  });

  it('ProgressBar is quiet without a TTY or under CI, draws when forced', async () => {
    const { runner, train, model } = setup();
    let out = '';
    const stream = new Writable({ write: (c, _e, cb) => { out += String(c); cb(); } });
    expect(new ProgressBar({ stream }).enabled).toBe(false);
    const ttyStream = Object.assign(new Writable({ write: (_c, _e, cb) => cb() }), { isTTY: true });
    const saved = process.env['CI'];
    process.env['CI'] = '1';
    expect(new ProgressBar({ stream: ttyStream }).enabled).toBe(false);
    delete process.env['CI'];
    expect(new ProgressBar({ stream: ttyStream }).enabled).toBe(true);
    if (saved !== undefined) process.env['CI'] = saved;
    await runner.fit(train, { epochs: 2, callbacks: [new ProgressBar({ stream, force: true })] });
    expect(out).toMatch(/epoch 2\/2 \| step 6\/6 \| loss \d\.\d{4}/);
    model.dispose();
  });
});

describe('CallbackEvents', () => {
  it('types every hook end to end (the event map matches the Callback interface)', () => {
    expectTypeOf<CallbackEvents['onEpochEnd']>().toEqualTypeOf<[runner: Runner, epoch: number, logs: Logs]>();
    expectTypeOf<CallbackEvents['onTrainBegin']>().toEqualTypeOf<[runner: Runner]>();
    expectTypeOf<CallbackEvents['onBackwardEnd']>().toEqualTypeOf<[runner: Runner, step: number, logs: Logs]>();
    expectTypeOf<CallbackHook>().toEqualTypeOf<keyof CallbackEvents>();
  });
});
