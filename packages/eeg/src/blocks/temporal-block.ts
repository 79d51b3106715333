import { add, type Tensor } from '@tensorflow/tfjs-core';
import {
  BatchNorm1d,
  Chomp1d,
  Conv1d,
  Conv1dWithConstraint,
  Dropout,
  ELU,
  Module,
  Sequential,
  ShapeError,
} from '@nnkit/nn';

/** Options of {@link TemporalBlock}. */
export interface TemporalBlockOptions {
  /** Dropout after each convolution. Default 0.2. */
  dropout?: number;
  /** Bias in the two dilated convolutions. Default true. */
  bias?: boolean;
  /** When set, the dilated convolutions are max-norm constrained (per output filter). */
  maxNorm?: number | null;
}

/**
 * A residual block of a temporal convolutional network (Bai et al. 2018), as in the
 * EEG-TCNet code: two dilated causal convolutions (symmetric padding `(K-1)·d` then
 * {@link Chomp1d}), each followed by batch norm (eps 1e-3, momentum 0.01), ELU and dropout;
 * a 1×1 convolution on the residual when the channel count changes; ELU after the sum.
 *
 * State-dict keys: `net.0` (conv1), `net.2` (bn1), `net.5` (conv2), `net.7` (bn2), `downsample`.
 *
 * x: [B, nInputs, T] → [B, nOutputs, T] (causal: output t depends on inputs ≤ t).
 *
 * @example
 * ```ts
 * const block = new TemporalBlock(16, 12, 4, 2, { dropout: 0.3 });
 * block.call(tf.zeros([8, 16, 17])).shape; // [8, 12, 17]
 * ```
 */
export class TemporalBlock extends Module {
  readonly net: Sequential;
  readonly downsample: Conv1d | null;
  readonly act: ELU;
  /** Left context (samples) of one block: 2·(K−1)·d. */
  readonly receptiveField: number;

  constructor(
    readonly nInputs: number,
    readonly nOutputs: number,
    readonly kernelSize: number,
    readonly dilation: number,
    opts: TemporalBlockOptions = {},
  ) {
    super();
    const dropout = opts.dropout ?? 0.2;
    const bias = opts.bias ?? true;
    const maxNorm = opts.maxNorm ?? null;
    const padding = (kernelSize - 1) * dilation;
    const conv = (cin: number): Conv1d =>
      maxNorm === null
        ? new Conv1d(cin, nOutputs, kernelSize, { padding, dilation, bias })
        : new Conv1dWithConstraint(cin, nOutputs, kernelSize, { padding, dilation, bias, maxNorm });
    this.net = this.registerModule(
      'net',
      new Sequential(
        conv(nInputs),
        new Chomp1d(padding),
        new BatchNorm1d(nOutputs, { eps: 1e-3, momentum: 0.01 }),
        new ELU(),
        new Dropout(dropout),
        conv(nOutputs),
        new Chomp1d(padding),
        new BatchNorm1d(nOutputs, { eps: 1e-3, momentum: 0.01 }),
        new ELU(),
        new Dropout(dropout),
      ),
    );
    this.downsample = this.registerModule('downsample', nInputs !== nOutputs ? new Conv1d(nInputs, nOutputs, 1) : null);
    this.act = this.registerModule('act', new ELU());
    this.receptiveField = 2 * padding;
  }

  /** x: [B, nInputs, T] → [B, nOutputs, T]. */
  forward(x: Tensor): Tensor {
    if (x.rank !== 3 || x.shape[1] !== this.nInputs) {
      throw new ShapeError(this.path(), `[B, ${this.nInputs}, T]`, x.shape);
    }
    const res = this.downsample === null ? x : this.downsample.call(x);
    return this.act.call(add(this.net.call(x), res));
  }

  override extraRepr(): string {
    return `${this.nInputs}, ${this.nOutputs}, kernel_size=${this.kernelSize}, dilation=${this.dilation}`;
  }
}
