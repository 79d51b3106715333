import type { ModelEntry } from '@nnkit/nn';
import { SmallCbamCnn } from './demos/cbam-cnn.js';
import { BasicConv2d } from './inception/basic-conv2d.js';
import { InceptionA, InceptionB } from './inception/inception-a-b.js';
import { InceptionAux } from './inception/inception-aux.js';
import { InceptionC, InceptionD } from './inception/inception-c-d.js';
import { InceptionE } from './inception/inception-e.js';
import { Inception3 } from './inception/inception-v3.js';
import { AttentionUNet } from './models/attention-unet.js';
import { LeNet } from './models/lenet.js';
import { ConvBlock } from './models/unet-blocks.js';

/**
 * Every model and block this package exports, with small configurations, for the model contract
 * suite (`tooling/contract`): a new model is covered by adding it here. Builders are lazy;
 * nothing is constructed on import.
 *
 * @example
 * ```ts
 * import { models } from '@nnkit/vision';
 * for (const m of models) console.log(m.name, m.inputShape);
 * ```
 */
export const models: readonly ModelEntry[] = [
  { name: 'LeNet', build: () => new LeNet(), inputShape: [3, 1, 32, 32], paramCount: { value: 61706, source: 'PyTorch reference small.py, LeNet()' } },
  { name: 'AttentionUNet', build: () => new AttentionUNet({ inChannels: 1, numClasses: 3, base: 4, depth: 3 }), inputShape: [3, 1, 13, 10] },
  { name: 'SmallCbamCnn', build: () => new SmallCbamCnn({ width: 8 }), inputShape: [3, 1, 32, 32] },
  { name: 'Inception3 (75×75, no aux)', build: () => new Inception3({ numClasses: 10, auxLogits: false }), inputShape: [2, 3, 75, 75] },
  { name: 'BasicConv2d', build: () => new BasicConv2d(3, 8, 3), inputShape: [3, 3, 9, 9] },
  { name: 'InceptionA', build: () => new InceptionA(16, 8), inputShape: [3, 16, 7, 7] },
  { name: 'InceptionB', build: () => new InceptionB(16), inputShape: [3, 16, 9, 9] },
  { name: 'InceptionC', build: () => new InceptionC(32, 8), inputShape: [3, 32, 5, 5] },
  { name: 'InceptionD', build: () => new InceptionD(32), inputShape: [3, 32, 9, 9] },
  { name: 'InceptionE', build: () => new InceptionE(32), inputShape: [3, 32, 5, 5] },
  { name: 'InceptionAux', build: () => new InceptionAux(32, 10), inputShape: [3, 32, 17, 17] },
  { name: 'ConvBlock', build: () => new ConvBlock(3, 4), inputShape: [3, 3, 7, 6] },
];

/** Exported modules the single-input contract suite does not call: `UpBlock(x, size)` takes a target size (AttentionUNet's tests cover it). */
export const modelBases: readonly string[] = ['UpBlock'];
