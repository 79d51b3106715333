import { add, max, mean, sigmoid, type Tensor } from '@tensorflow/tfjs-core';
import { Conv2d, Module, ReLU, Sequential } from '@nnkit/nn';
import { checkImage, checkPositiveInt } from '../internal/check.js';

/**
 * CBAM channel attention map (Woo et al. 2018, "CBAM: Convolutional Block Attention Module",
 * ECCV): `M_c = σ(MLP(AvgPool(x)) + MLP(MaxPool(x)))`, the MLP being 1×1 convs
 * `C → max(C / reduction, 1) → C` without bias and a ReLU between (keys `mlp.0`, `mlp.2`).
 *
 * x: `[B, C, H, W]` → the gate `[B, C, 1, 1]` in (0, 1) (multiply it into x yourself, or use
 * {@link CBAM}). Time O(N·C + C²/r), memory O(N·C).
 *
 * @example
 * ```ts
 * const gate = new CBAMChannelGate(64, { reduction: 16 });
 * gate.call(x).shape; // [B, 64, 1, 1]
 * ```
 */
export class CBAMChannelGate extends Module {
  readonly mlp: Sequential;

  /** Hidden width is `max(channels / reduction, 1)`. */
  readonly reduction: number;

  /** @param channels C; @param opts `reduction` (default 16) */
  constructor(
    readonly channels: number,
    opts: { reduction?: number } = {},
  ) {
    super();
    const reduction = opts.reduction ?? 16;
    this.reduction = reduction;
    checkPositiveInt('CBAMChannelGate', 'channels', channels);
    checkPositiveInt('CBAMChannelGate', 'reduction', reduction);
    const hidden = Math.max(Math.floor(channels / reduction), 1);
    this.mlp = this.registerModule('mlp', new Sequential(new Conv2d(channels, hidden, 1, { bias: false }), new ReLU(), new Conv2d(hidden, channels, 1, { bias: false })));
  }

  /** x `[B, C, H, W]` → `[B, C, 1, 1]`. */
  forward(x: Tensor): Tensor {
    checkImage(this.path(), x, this.channels);
    return sigmoid(add(this.mlp.call(mean(x, [2, 3], true)), this.mlp.call(max(x, [2, 3], true))));
  }

  override extraRepr(): string {
    return `channels=${this.channels}, reduction=${this.reduction}`;
  }
}
