import type { ModelEntry } from '@nnkit/nn';
import { TemporalBlock } from '../blocks/temporal-block.js';
import { TemporalConvNet } from '../blocks/temporal-conv-net.js';
import { EEGInceptionTCN } from './eeg-inception-tcn.js';
import { EEGNet } from './eegnet.js';
import { EEGTCNet } from './eegtcnet.js';
import { TemporalInception } from './temporal-inception.js';

const ref = (call: string): string => `PyTorch reference eeg.py, ${call}`;

/**
 * Every model and module this package exports, with small configurations for the model contract
 * suite (`tooling/contract`): a new model is covered by adding it here. Builders are lazy;
 * nothing is constructed on import.
 *
 * @example
 * ```ts
 * import { models } from '@nnkit/eeg';
 * for (const m of models) console.log(m.name, m.inputShape);
 * ```
 */
export const models: readonly ModelEntry[] = [
  { name: 'EEGNet', build: () => new EEGNet({ nChans: 22, nClasses: 4, nTimes: 1125 }), inputShape: [2, 22, 1125], paramCount: { value: 3700, source: ref('EEGNet(22, 4, 1125)') } },
  { name: 'EEGNet (small)', build: () => new EEGNet({ nChans: 3, nClasses: 2, nTimes: 128, F1: 4, D: 2, F2: 8, kernLength: 16 }), inputShape: [3, 3, 128] },
  { name: 'EEGTCNet', build: () => new EEGTCNet(), inputShape: [2, 22, 256], paramCount: { value: 4096, source: ref('EEGTCNet()') } },
  { name: 'EEGTCNet (3 channels, 2 classes)', build: () => new EEGTCNet({ nChans: 3, nClasses: 2 }), inputShape: [3, 3, 200], paramCount: { value: 3766, source: ref('EEGTCNet(n_chans=3, n_classes=2)') } },
  { name: 'EEGInceptionTCN', build: () => new EEGInceptionTCN(), inputShape: [2, 22, 256], paramCount: { value: 70916, source: ref('EEGInceptionTCN()') } },
  { name: 'TemporalBlock', build: () => new TemporalBlock(3, 5, 3, 2), inputShape: [3, 3, 40] },
  { name: 'TemporalConvNet', build: () => new TemporalConvNet(3, [4, 4], { kernelSize: 3 }), inputShape: [3, 3, 40] },
  { name: 'TemporalInception', build: () => new TemporalInception(8, 4), inputShape: [2, 8, 3, 40] },
];

/** Exported module classes that are bases of the models above, not models themselves (protected constructors). */
export const modelBases: readonly string[] = ['EEGNetFeatures', 'EEGNetFrontEnd'];
