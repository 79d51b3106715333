import { Parameter, saveSafetensors } from '@nnkit/nn';
import { ArgumentError, FormatError, initBackend, NnkitError, StorageError } from '@nnkit/tensor';
import { zeros } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itThrowsEach, type ThrowCase } from '@nnkit/tooling-testing';
import { EarlyStopping, ModelCheckpoint } from './callbacks/index.js';
import { Adam, loadOptimizerState, SGD } from './optim/index.js';
import { memoryStorage, nodeStorage, Runner } from './runner/index.js';
import { OneCycleLR, StepLR } from './schedulers/index.js';
import { gridPoints, kFold } from './search/index.js';


let p: Parameter;

/** One user-facing condition per row: what is called, the nnkit class it must throw, and a piece of the message. */
const cases: ThrowCase[] = [
  ['SGD with a negative momentum', () => new SGD([p], { lr: 0.1, momentum: -1 }), ArgumentError, /^SGD: Invalid momentum value: -1/],
  ['SGD with an empty parameter list', () => new SGD([], { lr: 0.1 }), ArgumentError, /optimizer got an empty parameter list/],
  ['Adam with a negative epsilon', () => new Adam([p], { lr: 0.1, eps: -1 }), ArgumentError, /^Adam: Invalid epsilon value: -1/],
  ['StepLR with stepSize 0', () => new StepLR(new SGD([p], { lr: 0.1 }), 0), ArgumentError, /^StepLR: stepSize must be a positive integer/],
  ['OneCycleLR without a step count', () => new OneCycleLR(new SGD([p], { lr: 0.1, momentum: 0.9 }), 1), ArgumentError, /^OneCycleLR: You must define either total_steps/],
  ['EarlyStopping with a negative patience', () => new EarlyStopping({ patience: -1 }), ArgumentError, /^EarlyStopping: patience must be a non-negative integer/],
  ['ModelCheckpoint without a folder', () => new ModelCheckpoint({} as never), ArgumentError, /^ModelCheckpoint: expected \{ dir \}/],
  ['Runner without a model', () => new Runner({} as never), ArgumentError, /^Runner: expected \{ model, optimizer, lossFn/],
  ['gridPoints of an empty value list', () => gridPoints({ lr: [] }), ArgumentError, /^gridPoints: 'lr' must be a non-empty array/],
  ['kFold with k = 1', () => kFold(10, 1), ArgumentError, /^kFold: k must be an integer >= 2/],
  ['loadOptimizerState of a model file', () => loadOptimizerState(new SGD([p], { lr: 0.1 }), saveSafetensors({ w: zeros([1]) })), FormatError, /not an nnkit optimizer state/],
];

describe('train throws the nnkit hierarchy', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    p = new Parameter(zeros([2]));
  });

  afterAll(() => {
    p.dispose();
  });

  itThrowsEach(cases, { base: NnkitError });

  it('memoryStorage.read of a missing entry is a StorageError naming the path', async () => {
    const err = await memoryStorage().read('run/model.safetensors').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).path).toBe('run/model.safetensors');
  });

  it('nodeStorage.read of a missing file is a StorageError with the fs error as cause', async () => {
    const err = await nodeStorage().read('no-such-dir/state.json').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error & { cause?: { code?: string } }).cause?.code).toBe('ENOENT');
  });
});
