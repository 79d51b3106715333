// Regression tests of the load defects the fuzz suite found: raw SyntaxError/TypeError from
// Runner.loadModel / loadCheckpoint, weights overwritten by a load that then failed, and
// "successful" loads of nonsense progress (epoch 1.5, step [-2, 3]).
import { createHash } from 'node:crypto';
import { CrossEntropyLoss } from '@nnkit/nn';
import { FormatError, initBackend, manualSeed } from '@nnkit/tensor';
import { zerosLike } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelCheckpoint } from '../callbacks/model-checkpoint.js';
import { SGD } from '../optim/sgd.js';
import type { LoopState } from './fit.js';
import { Runner } from './runner.js';
import { memoryStorage } from './storage.js';
import { ArrayLoader, blobs, SmallMlp, snapshot, TestRng } from './test-utils.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

async function trained(): Promise<{ runner: Runner; storage: ReturnType<typeof memoryStorage> }> {
  manualSeed(3);
  const model = new SmallMlp();
  const storage = memoryStorage();
  const runner = new Runner({ model, optimizer: new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }), lossFn: new CrossEntropyLoss(), storage, log: null });
  const { x, y } = blobs(24);
  await runner.fit(new ArrayLoader(x, y, 4, 8, new TestRng(4)), { epochs: 2, callbacks: [new ModelCheckpoint({ dir: 'ck', every: 1 })] });
  await runner.saveModel('m');
  return { runner, storage };
}
const stateKey = 'ck/epoch-2/state.json';
const editState = (s: ReturnType<typeof memoryStorage>, f: (o: Record<string, unknown>) => void): void => {
  const o = JSON.parse(dec.decode(s.files.get(stateKey)!)) as Record<string, unknown>;
  f(o);
  s.files.set(stateKey, enc.encode(JSON.stringify(o)));
};
/** Expects `load` to reject with a FormatError naming `file`, leaving the weights as they were. */
async function refused(runner: Runner, load: () => Promise<unknown>, file: RegExp, reason: RegExp): Promise<void> {
  const before = snapshot(runner.model);
  const step = runner.state.step;
  const err = await load().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(FormatError);
  expect((err as FormatError).file).toMatch(file);
  expect((err as Error).message).toMatch(reason);
  expect(snapshot(runner.model)).toEqual(before);
  expect(runner.state.step).toBe(step);
}

describe('loads validate everything first', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('state.json that is not JSON: FormatError naming it (was a raw SyntaxError)', async () => {
    const { runner, storage } = await trained();
    storage.files.set(stateKey, enc.encode('{"format": "nnkit.checkpoint.v2", "epoch": 2,'));
    await refused(runner, () => runner.loadCheckpoint('ck/epoch-2'), /state\.json$/, /not valid JSON/);
  });

  it('epoch 1.5 is refused', async () => {
    const { runner, storage } = await trained();
    editState(storage, (o) => (o.epoch = 1.5));
    await refused(runner, () => runner.loadCheckpoint('ck/epoch-2'), /state\.json$/, /'epoch' must be a non-negative integer, got 1.5/);
  });

  it('step [-2, 3] is refused', async () => {
    const { runner, storage } = await trained();
    editState(storage, (o) => (o.step = [-2, 3]));
    await refused(runner, () => runner.loadCheckpoint('ck/epoch-2'), /state\.json$/, /'step' must be a non-negative integer/);
  });

  it('a broken optimizer file leaves the weights untouched (they were loaded first before)', async () => {
    const { runner, storage } = await trained();
    // overwrite the model file with other (valid) weights listed in state.json, and break the optimizer
    const o = JSON.parse(dec.decode(storage.files.get(stateKey)!)) as { files: Record<string, { name: string; bytes: number; sha256: string }> };
    const optKey = `ck/epoch-2/${o.files.optimizer!.name}`;
    const bad = enc.encode('{"not": "safetensors"}');
    storage.files.set(optKey, bad);
    editState(storage, (s) => Object.assign((s.files as Record<string, object>).optimizer!, { bytes: bad.length, sha256: createHash('sha256').update(bad).digest('hex') }));
    const fc1 = (runner.model as SmallMlp).fc1.weight.data;
    fc1.assign(zerosLike(fc1));
    await refused(runner, () => runner.loadCheckpoint('ck/epoch-2'), /optimizer-.*\.safetensors$/, /nnkit-optimizer/);
  });

  it('a data file from another save is refused (sizes and digests in state.json)', async () => {
    const { runner, storage } = await trained();
    const e1 = [...storage.files.keys()].find((k) => k.startsWith('ck/epoch-1/model-'))!;
    const o = JSON.parse(dec.decode(storage.files.get(stateKey)!)) as { files: { model: { name: string } } };
    storage.files.set(`ck/epoch-2/${o.files.model.name}`, storage.files.get(e1)!);
    await refused(runner, () => runner.loadCheckpoint('ck/epoch-2'), /model-.*\.safetensors$/, /not the file this state was saved with/);
  });

  it('loadModel: JSON that is not JSON, nonsense progress, mismatched weights are FormatErrors; weights untouched', async () => {
    const { runner, storage } = await trained();
    const meta = storage.files.get('m.json')!;
    storage.files.set('m.json', enc.encode('{"step": '));
    await refused(runner, () => runner.loadModel('m'), /m\.json$/, /not valid JSON/);
    storage.files.set('m.json', enc.encode('{"epoch": 1.5}'));
    await refused(runner, () => runner.loadModel('m'), /m\.json$/, /'epoch' must be a non-negative integer/);
    storage.files.set('m.json', meta);
    const w = storage.files.get('m.safetensors')!.slice();
    w[w.length - 1] = w[w.length - 1]! ^ 0xff;
    storage.files.set('m.safetensors', w);
    await refused(runner, () => runner.loadModel('m'), /m\.json$/, /different saves/);
  });

  it('ModelCheckpoint({ bestOnly }) never rewrites best in place: new data files, then the state.json switch', async () => {
    const { runner, storage } = await trained();
    const cb = new ModelCheckpoint({ dir: 'b', bestOnly: true, monitor: 'dev_loss' });
    const loop = (runner as unknown as { loop: LoopState }).loop; // the Runner's private fit-loop state
    loop.callbacks = [cb];
    await cb.onEvalEnd(runner, 1, { dev_loss: 2 });
    const first = [...storage.files.keys()].filter((k) => k.startsWith('b/best/'));
    loop.progress.step = 7;
    await cb.onEvalEnd(runner, 7, { dev_loss: 1 });
    const second = [...storage.files.keys()].filter((k) => k.startsWith('b/best/'));
    expect(second.filter((k) => !k.endsWith('state.json')).some((k) => first.includes(k))).toBe(false);
    expect(second.filter((k) => k.includes('-7-'))).toHaveLength(2);
    await runner.loadCheckpoint('b/best');
  });
});
