import { ArgumentError, initBackend, NnkitError, NotSupportedError, ShapeError } from '@nnkit/tensor';
import { afterAll, beforeAll, describe } from 'vitest';
import { itThrowsEach, type ThrowCase } from '@nnkit/tooling-testing';
import { applyChannelZScore, createStream, EEGNet, EEGTCNet, fitChannelZScore, TemporalConvNet, TemporalInception } from './index.js';


const base = { channels: 3, sampleRate: 250, window: 1000, hop: 64 };
let tcn: EEGTCNet;

/** One user-facing condition per row: what is called, the nnkit class it must throw, and a piece of the message. */
const cases: ThrowCase[] = [
  ['EEGNet with nTimes < 32', () => new EEGNet({ nChans: 3, nClasses: 2, nTimes: 16 }), ArgumentError, /^EEGNet: nTimes must be at least 32/],
  ['TemporalInception with inChan not a multiple of outChan', () => new TemporalInception(5, 2), ArgumentError, /^TemporalInception: inChan \(5\) must be a multiple of outChan \(2\)/],
  ['applyChannelZScore with another channel count', () => applyChannelZScore(new Float32Array(4), [1, 2, 2], fitChannelZScore(new Float32Array(6), [1, 3, 2])), ShapeError, /^applyChannelZScore: expected data of shape \[N, 3, T\]/],
  ['createStream of a model it cannot stream', () => createStream(new TemporalConvNet(3, [4]), base), NotSupportedError, /TemporalConvNet is not supported/],
  ['createStream with the wrong channel count', () => createStream(tcn, { ...base, channels: 22 }), ArgumentError, /built for 3 channels, got channels = 22/],
  ['createStream with a hop off the pooling grid', () => createStream(tcn, { ...base, hop: 50 }), ArgumentError, /^createStream: hop must be a multiple of 64/],
  ['EegStream.push of a chunk with the wrong row count', () => createStream(tcn, base).push([[1, 2], [3, 4]]), ArgumentError, /^EegStream\.push: expected 3 channel rows, got 2/],
  ['EegStream.push of a non-finite value', () => createStream(tcn, base).push([[1], [Number.NaN], [1]]), ArgumentError, /^EegStream\.push: non-finite value NaN/],
];

describe('eeg throws the nnkit hierarchy', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    tcn = new EEGTCNet({ nChans: 3, nClasses: 2 });
  });

  afterAll(() => {
    tcn.dispose();
  });

  itThrowsEach(cases, { base: NnkitError });
});
