import { mul, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { Module } from '@nnkit/nn';
import { CBAMChannelGate } from './cbam-channel-gate.js';
import { CBAMSpatialGate } from './cbam-spatial-gate.js';

/** The two maps of {@link CBAM.attentionMap}. */
export interface CBAMMaps {
  /** Channel gate `[B, C, 1, 1]`. */
  channel: Tensor;
  /** Spatial gate `[B, 1, H, W]` (computed on the channel-gated features). */
  spatial: Tensor;
}

/**
 * Convolutional Block Attention Module (Woo et al. 2018, ECCV): the channel gate then the
 * spatial gate, each multiplied into the features:
 *
 * `x' = x · M_c(x)`, `out = x' · M_s(x')`
 *
 * Keys: `channel_gate.mlp.{0,2}`, `spatial_gate.conv`.
 *
 * x: `[B, C, H, W]` → `[B, C, H, W]` (odd kernel_size). Time O(N·C), memory O(N·C).
 *
 * @example
 * ```ts
 * const cbam = new CBAM(64, { reduction: 16, kernelSize: 7 });
 * cbam.call(x).shape; // x.shape
 * const { spatial } = cbam.attentionMap(x); // [B, 1, H, W]
 * ```
 */
export class CBAM extends Module {
  readonly channel_gate: CBAMChannelGate;
  readonly spatial_gate: CBAMSpatialGate;

  /**
   * @param channels C
   * @param opts `reduction` of the channel MLP (default 16), `kernelSize` of the spatial conv (default 7)
   */
  constructor(
    readonly channels: number,
    opts: { reduction?: number; kernelSize?: number } = {},
  ) {
    super();
    this.channel_gate = this.registerModule('channel_gate', new CBAMChannelGate(channels, { reduction: opts.reduction ?? 16 }));
    this.spatial_gate = this.registerModule('spatial_gate', new CBAMSpatialGate({ kernelSize: opts.kernelSize ?? 7 }));
  }

  private maps(x: Tensor): CBAMMaps & { gated: Tensor } {
    const channel = this.channel_gate.call(x);
    const gated = mul(x, channel);
    return { channel, gated, spatial: this.spatial_gate.call(gated) };
  }

  /** Both gates for x `[B, C, H, W]`: channel `[B, C, 1, 1]` and spatial `[B, 1, H, W]`. */
  attentionMap(x: Tensor): CBAMMaps {
    return tidy(() => {
      const { channel, spatial } = this.maps(x);
      return { channel, spatial };
    });
  }

  /** x `[B, C, H, W]` → `[B, C, H, W]`. */
  forward(x: Tensor): Tensor {
    const { gated, spatial } = this.maps(x);
    return mul(gated, spatial);
  }
}
