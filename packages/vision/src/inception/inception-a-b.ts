import { concat, type Tensor } from '@tensorflow/tfjs-core';
import { avgPool2d, maxPool2d } from '@nnkit/tensor';
import { Module } from '@nnkit/nn';
import { BasicConv2d } from './basic-conv2d.js';

/**
 * torchvision's `InceptionA` (Mixed_5b–5d): 1×1, 5×5, double 3×3 and average-pool branches,
 * concatenated: x `[B, inChannels, H, W]` → `[B, 224 + poolFeatures, H, W]`.
 *
 * @example
 * ```ts
 * const mixed5b = new InceptionA(192, 32); // [B, 192, 35, 35] → [B, 256, 35, 35]
 * ```
 */
export class InceptionA extends Module {
  readonly branch1x1: BasicConv2d;
  readonly branch5x5_1: BasicConv2d;
  readonly branch5x5_2: BasicConv2d;
  readonly branch3x3dbl_1: BasicConv2d;
  readonly branch3x3dbl_2: BasicConv2d;
  readonly branch3x3dbl_3: BasicConv2d;
  readonly branch_pool: BasicConv2d;

  constructor(inChannels: number, poolFeatures: number) {
    super();
    this.branch1x1 = this.registerModule('branch1x1', new BasicConv2d(inChannels, 64, 1));
    this.branch5x5_1 = this.registerModule('branch5x5_1', new BasicConv2d(inChannels, 48, 1));
    this.branch5x5_2 = this.registerModule('branch5x5_2', new BasicConv2d(48, 64, 5, { padding: 2 }));
    this.branch3x3dbl_1 = this.registerModule('branch3x3dbl_1', new BasicConv2d(inChannels, 64, 1));
    this.branch3x3dbl_2 = this.registerModule('branch3x3dbl_2', new BasicConv2d(64, 96, 3, { padding: 1 }));
    this.branch3x3dbl_3 = this.registerModule('branch3x3dbl_3', new BasicConv2d(96, 96, 3, { padding: 1 }));
    this.branch_pool = this.registerModule('branch_pool', new BasicConv2d(inChannels, poolFeatures, 1));
  }

  /** x: `[B, inChannels, H, W]` → `[B, 224 + poolFeatures, H, W]`. */
  forward(x: Tensor): Tensor {
    const b1 = this.branch1x1.call(x);
    const b5 = this.branch5x5_2.call(this.branch5x5_1.call(x));
    const b3 = this.branch3x3dbl_3.call(this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x)));
    const bp = this.branch_pool.call(avgPool2d(x, 3, { stride: 1, padding: 1 }));
    return concat([b1, b5, b3, bp], 1);
  }
}

/**
 * torchvision's `InceptionB` (Mixed_6a, grid reduction): stride-2 3×3, double 3×3 and max-pool
 * branches: x `[B, inChannels, H, W]` → `[B, 480 + inChannels, ⌊(H−3)/2⌋+1, ⌊(W−3)/2⌋+1]`.
 *
 * @example
 * ```ts
 * const mixed6a = new InceptionB(288); // [B, 288, 35, 35] → [B, 768, 17, 17]
 * ```
 */
export class InceptionB extends Module {
  readonly branch3x3: BasicConv2d;
  readonly branch3x3dbl_1: BasicConv2d;
  readonly branch3x3dbl_2: BasicConv2d;
  readonly branch3x3dbl_3: BasicConv2d;

  constructor(inChannels: number) {
    super();
    this.branch3x3 = this.registerModule('branch3x3', new BasicConv2d(inChannels, 384, 3, { stride: 2 }));
    this.branch3x3dbl_1 = this.registerModule('branch3x3dbl_1', new BasicConv2d(inChannels, 64, 1));
    this.branch3x3dbl_2 = this.registerModule('branch3x3dbl_2', new BasicConv2d(64, 96, 3, { padding: 1 }));
    this.branch3x3dbl_3 = this.registerModule('branch3x3dbl_3', new BasicConv2d(96, 96, 3, { stride: 2 }));
  }

  /** x: `[B, inChannels, H, W]` → `[B, 480 + inChannels, Ho, Wo]`. */
  forward(x: Tensor): Tensor {
    const b3 = this.branch3x3.call(x);
    const bd = this.branch3x3dbl_3.call(this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x)));
    const bp = maxPool2d(x, 3, { stride: 2 });
    return concat([b3, bd, bp], 1);
  }
}
