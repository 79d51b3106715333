import { ArgumentError, DTypeError, FormatError, initBackend, NnkitError, NotSupportedError, ShapeError, StateError, StorageError } from '@nnkit/tensor';
import { tensor1d, zeros } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { itThrowsEach, type ThrowCase } from '@nnkit/tooling-testing';
import { DataLoader, defaultCollate, Generator, randomSplit, TensorDataset } from './core/index.js';
import { KFold } from './cv/index.js';
import { EegFormatError, readEdf } from './formats/index.js';
import { readFileBytes } from './node/index.js';
import { bandpass, ZScore } from './transforms/index.js';


const ds = (): TensorDataset => new TensorDataset(zeros([4, 2]));

/** One user-facing condition per row: what is called, the nnkit class it must throw, and a piece of the message. */
const cases: ThrowCase[] = [
  ['DataLoader with batchSize 0', () => new DataLoader(ds(), { batchSize: 0 }), ArgumentError, /^DataLoader: batchSize should be a positive integer/],
  ['DataLoader with both sampler and shuffle', () => new DataLoader(ds(), { shuffle: true, sampler: [0, 1] }), ArgumentError, /mutually exclusive with shuffle/],
  ['defaultCollate of an empty batch', () => defaultCollate([]), ArgumentError, /^defaultCollate: cannot collate an empty batch/],
  ['defaultCollate of tensors of different shapes', () => defaultCollate([zeros([2]), zeros([3])]), ShapeError, /^defaultCollate: expected sample 1 of shape \[2\]/],
  ['defaultCollate of tensors of different dtypes', () => defaultCollate([zeros([2]), zeros([2], 'int32')]), DTypeError, /expected sample 1 of dtype float32 \(as sample 0\), got int32/],
  ['TensorDataset of tensors of different lengths', () => new TensorDataset(zeros([4, 2]), zeros([3])), ShapeError, /^TensorDataset: expected tensor 1 of shape first dimension 4/],
  ['Generator.randint with an empty range', () => new Generator(0).randint(3, 3), ArgumentError, /^Generator\.randint: need integers low < high/],
  ['randomSplit with lengths not summing to the data set', () => randomSplit(ds(), [1, 1]), ArgumentError, /does not equal the length of the input dataset/],
  ['KFold with one split', () => new KFold(1), ArgumentError, /nSplits must be an integer ≥ 2/],
  ["bandpass with method 'fir'", () => bandpass(new Float32Array(1000), 250, 4, 40, { method: 'fir' as never }), NotSupportedError, /^bandpass: method 'fir' is not implemented/],
  ['bandpass with low >= high', () => bandpass(new Float32Array(1000), 250, 40, 4), ArgumentError, /low < high/],
  ['ZScore.transform before fit', () => new ZScore().transform(tensor1d([1, 2])), StateError, /^ZScore\.transform: call fit\(x\) first/],
  ['readEdf of bytes that are not EDF', () => readEdf(new Uint8Array(16), { file: 'x.edf' }), EegFormatError, /x\.edf/],
];

describe('data throws the nnkit hierarchy', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  itThrowsEach(cases, { base: NnkitError, noLeaks: true });

  it('an EDF format error is a FormatError naming the file', () => {
    let thrown: unknown;
    try {
      readEdf(new Uint8Array(16), { file: 'x.edf' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(FormatError);
    expect((thrown as FormatError).file).toBe('x.edf');
  });

  it('readFileBytes of a missing file is a StorageError naming the path, with the fs error as cause', async () => {
    const path = 'no-such-dir/missing.edf';
    const err = await readFileBytes(path, 'edf').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).path).toBe(path);
    expect((err as StorageError).message).toMatch(/^no-such-dir\/missing\.edf: cannot read the edf file/);
    expect((err as Error & { cause?: { code?: string } }).cause?.code).toBe('ENOENT');
  });
});
