import { concat, type Tensor } from '@tensorflow/tfjs-core';
import { avgPool2d, maxPool2d } from '@nnkit/tensor';
import { Module } from '@nnkit/nn';
import { BasicConv2d } from './basic-conv2d.js';

/**
 * torchvision's `InceptionC` (Mixed_6b–6e): 1×1, factorised 7×7 (1×7, 7×1), double factorised
 * 7×7 and average-pool branches: x `[B, inChannels, H, W]` → `[B, 768, H, W]`.
 *
 * @example
 * ```ts
 * const mixed6b = new InceptionC(768, 128); // [B, 768, 17, 17] → [B, 768, 17, 17]
 * ```
 */
export class InceptionC extends Module {
  readonly branch1x1: BasicConv2d;
  readonly branch7x7_1: BasicConv2d;
  readonly branch7x7_2: BasicConv2d;
  readonly branch7x7_3: BasicConv2d;
  readonly branch7x7dbl_1: BasicConv2d;
  readonly branch7x7dbl_2: BasicConv2d;
  readonly branch7x7dbl_3: BasicConv2d;
  readonly branch7x7dbl_4: BasicConv2d;
  readonly branch7x7dbl_5: BasicConv2d;
  readonly branch_pool: BasicConv2d;

  constructor(inChannels: number, channels7x7: number) {
    super();
    const c7 = channels7x7;
    const row = { padding: [0, 3] as [number, number] };
    const col = { padding: [3, 0] as [number, number] };
    this.branch1x1 = this.registerModule('branch1x1', new BasicConv2d(inChannels, 192, 1));
    this.branch7x7_1 = this.registerModule('branch7x7_1', new BasicConv2d(inChannels, c7, 1));
    this.branch7x7_2 = this.registerModule('branch7x7_2', new BasicConv2d(c7, c7, [1, 7], row));
    this.branch7x7_3 = this.registerModule('branch7x7_3', new BasicConv2d(c7, 192, [7, 1], col));
    this.branch7x7dbl_1 = this.registerModule('branch7x7dbl_1', new BasicConv2d(inChannels, c7, 1));
    this.branch7x7dbl_2 = this.registerModule('branch7x7dbl_2', new BasicConv2d(c7, c7, [7, 1], col));
    this.branch7x7dbl_3 = this.registerModule('branch7x7dbl_3', new BasicConv2d(c7, c7, [1, 7], row));
    this.branch7x7dbl_4 = this.registerModule('branch7x7dbl_4', new BasicConv2d(c7, c7, [7, 1], col));
    this.branch7x7dbl_5 = this.registerModule('branch7x7dbl_5', new BasicConv2d(c7, 192, [1, 7], row));
    this.branch_pool = this.registerModule('branch_pool', new BasicConv2d(inChannels, 192, 1));
  }

  /** x: `[B, inChannels, H, W]` → `[B, 768, H, W]`. */
  forward(x: Tensor): Tensor {
    const b1 = this.branch1x1.call(x);
    const b7 = this.branch7x7_3.call(this.branch7x7_2.call(this.branch7x7_1.call(x)));
    let bd = this.branch7x7dbl_1.call(x);
    for (const m of [this.branch7x7dbl_2, this.branch7x7dbl_3, this.branch7x7dbl_4, this.branch7x7dbl_5]) bd = m.call(bd);
    const bp = this.branch_pool.call(avgPool2d(x, 3, { stride: 1, padding: 1 }));
    return concat([b1, b7, bd, bp], 1);
  }
}

/**
 * torchvision's `InceptionD` (Mixed_7a, grid reduction): 1×1 → stride-2 3×3, 1×1 → 1×7 → 7×1 →
 * stride-2 3×3, and max-pool branches: x `[B, inChannels, H, W]` → `[B, 512 + inChannels, Ho, Wo]`,
 * `Ho = ⌊(H−3)/2⌋+1`.
 *
 * @example
 * ```ts
 * const mixed7a = new InceptionD(768); // [B, 768, 17, 17] → [B, 1280, 8, 8]
 * ```
 */
export class InceptionD extends Module {
  readonly branch3x3_1: BasicConv2d;
  readonly branch3x3_2: BasicConv2d;
  readonly branch7x7x3_1: BasicConv2d;
  readonly branch7x7x3_2: BasicConv2d;
  readonly branch7x7x3_3: BasicConv2d;
  readonly branch7x7x3_4: BasicConv2d;

  constructor(inChannels: number) {
    super();
    this.branch3x3_1 = this.registerModule('branch3x3_1', new BasicConv2d(inChannels, 192, 1));
    this.branch3x3_2 = this.registerModule('branch3x3_2', new BasicConv2d(192, 320, 3, { stride: 2 }));
    this.branch7x7x3_1 = this.registerModule('branch7x7x3_1', new BasicConv2d(inChannels, 192, 1));
    this.branch7x7x3_2 = this.registerModule('branch7x7x3_2', new BasicConv2d(192, 192, [1, 7], { padding: [0, 3] }));
    this.branch7x7x3_3 = this.registerModule('branch7x7x3_3', new BasicConv2d(192, 192, [7, 1], { padding: [3, 0] }));
    this.branch7x7x3_4 = this.registerModule('branch7x7x3_4', new BasicConv2d(192, 192, 3, { stride: 2 }));
  }

  /** x: `[B, inChannels, H, W]` → `[B, 512 + inChannels, Ho, Wo]`. */
  forward(x: Tensor): Tensor {
    const b3 = this.branch3x3_2.call(this.branch3x3_1.call(x));
    let b7 = this.branch7x7x3_1.call(x);
    for (const m of [this.branch7x7x3_2, this.branch7x7x3_3, this.branch7x7x3_4]) b7 = m.call(b7);
    const bp = maxPool2d(x, 3, { stride: 2 });
    return concat([b3, b7, bp], 1);
  }
}
