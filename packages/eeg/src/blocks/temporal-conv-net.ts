import type { Tensor } from '@tensorflow/tfjs-core';
import { Module, Sequential } from '@nnkit/nn';
import { TemporalBlock } from './temporal-block.js';

/** Options of {@link TemporalConvNet}. */
export interface TemporalConvNetOptions {
  /** Kernel size of every dilated convolution. Default 2. */
  kernelSize?: number;
  /** Dropout inside every block. Default 0.2. */
  dropout?: number;
  /** Bias in the dilated convolutions. Default true. */
  bias?: boolean;
  /** Max-norm constraint of the dilated convolutions; none by default. */
  maxNorm?: number | null;
}

/**
 * Temporal convolutional network: a stack of {@link TemporalBlock}s with dilation 2^i.
 * State-dict keys `network.{i}.…`. Receptive field: 1 + 2·(K−1)·(2^L − 1) samples.
 *
 * x: [B, numInputs, T] → [B, numChannels.at(-1), T].
 *
 * @example
 * ```ts
 * const tcn = new TemporalConvNet(16, [12, 12], { kernelSize: 4, dropout: 0.3 });
 * tcn.call(tf.zeros([1, 16, 17])).shape; // [1, 12, 17]
 * ```
 */
export class TemporalConvNet extends Module {
  readonly network: Sequential;
  /** Number of past samples (incl. the current one) that the last output sees. */
  readonly receptiveField: number;

  constructor(
    readonly numInputs: number,
    readonly numChannels: readonly number[],
    opts: TemporalConvNetOptions = {},
  ) {
    super();
    const k = opts.kernelSize ?? 2;
    const blocks = numChannels.map(
      (out, i) =>
        new TemporalBlock(i === 0 ? numInputs : numChannels[i - 1]!, out, k, 2 ** i, {
          dropout: opts.dropout ?? 0.2,
          bias: opts.bias ?? true,
          maxNorm: opts.maxNorm ?? null,
        }),
    );
    this.network = this.registerModule('network', new Sequential(...blocks));
    this.receptiveField = 1 + blocks.reduce((s, b) => s + b.receptiveField, 0);
  }

  /** x: [B, numInputs, T] → [B, numChannels.at(-1), T]. */
  forward(x: Tensor): Tensor {
    return this.network.call(x);
  }
}
