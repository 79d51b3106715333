import { concat, type Tensor } from '@tensorflow/tfjs-core';
import { avgPool2d } from '@nnkit/tensor';
import { Module } from '@nnkit/nn';
import { BasicConv2d } from './basic-conv2d.js';

/**
 * torchvision's `InceptionE` (Mixed_7b, 7c): 1×1, 3×3 split into parallel 1×3 and 3×1, double
 * 3×3 with the same split, and average-pool branches: x `[B, inChannels, H, W]` → `[B, 2048, H, W]`.
 *
 * @example
 * ```ts
 * const mixed7b = new InceptionE(1280); // [B, 1280, 8, 8] → [B, 2048, 8, 8]
 * ```
 */
export class InceptionE extends Module {
  readonly branch1x1: BasicConv2d;
  readonly branch3x3_1: BasicConv2d;
  readonly branch3x3_2a: BasicConv2d;
  readonly branch3x3_2b: BasicConv2d;
  readonly branch3x3dbl_1: BasicConv2d;
  readonly branch3x3dbl_2: BasicConv2d;
  readonly branch3x3dbl_3a: BasicConv2d;
  readonly branch3x3dbl_3b: BasicConv2d;
  readonly branch_pool: BasicConv2d;

  constructor(inChannels: number) {
    super();
    const row = { padding: [0, 1] as [number, number] };
    const col = { padding: [1, 0] as [number, number] };
    this.branch1x1 = this.registerModule('branch1x1', new BasicConv2d(inChannels, 320, 1));
    this.branch3x3_1 = this.registerModule('branch3x3_1', new BasicConv2d(inChannels, 384, 1));
    this.branch3x3_2a = this.registerModule('branch3x3_2a', new BasicConv2d(384, 384, [1, 3], row));
    this.branch3x3_2b = this.registerModule('branch3x3_2b', new BasicConv2d(384, 384, [3, 1], col));
    this.branch3x3dbl_1 = this.registerModule('branch3x3dbl_1', new BasicConv2d(inChannels, 448, 1));
    this.branch3x3dbl_2 = this.registerModule('branch3x3dbl_2', new BasicConv2d(448, 384, 3, { padding: 1 }));
    this.branch3x3dbl_3a = this.registerModule('branch3x3dbl_3a', new BasicConv2d(384, 384, [1, 3], row));
    this.branch3x3dbl_3b = this.registerModule('branch3x3dbl_3b', new BasicConv2d(384, 384, [3, 1], col));
    this.branch_pool = this.registerModule('branch_pool', new BasicConv2d(inChannels, 192, 1));
  }

  /** x: `[B, inChannels, H, W]` → `[B, 2048, H, W]`. */
  forward(x: Tensor): Tensor {
    const b1 = this.branch1x1.call(x);
    const s = this.branch3x3_1.call(x);
    const b3 = concat([this.branch3x3_2a.call(s), this.branch3x3_2b.call(s)], 1);
    const d = this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x));
    const bd = concat([this.branch3x3dbl_3a.call(d), this.branch3x3dbl_3b.call(d)], 1);
    const bp = this.branch_pool.call(avgPool2d(x, 3, { stride: 1, padding: 1 }));
    return concat([b1, b3, bd, bp], 1);
  }
}
