import { add, mul, relu, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { BatchNorm2d, Conv2d, Module, Sequential, Sigmoid } from '@nnkit/nn';
import { ShapeError } from '@nnkit/tensor';
import { checkImage, checkPositiveInt } from '../internal/check.js';

/**
 * Additive attention gate of Attention U-Net (Oktay et al. 2018, "Attention U-Net: Learning
 * Where to Look for the Pancreas", arXiv:1804.03999):
 *
 * `α = σ(BN(ψ(ReLU(BN(W_g g) + BN(W_x x)))))`, `out = x · α`
 *
 * `g` is the gating signal (coarser decoder features, already resized to x's H, W), `x` the
 * skip connection. State-dict keys as the reference: `W_g.0` (conv) `W_g.1` (BN), `W_x.0`,
 * `W_x.1`, `psi.0` (conv to 1 channel), `psi.1` (BN), `psi.2` (sigmoid).
 *
 * g: `[B, fG, H, W]`, x: `[B, fL, H, W]` → `[B, fL, H, W]`; the map α
 * ({@link AttentionGate.attentionMap}) is `[B, 1, H, W]`. Time and memory O(N) in N = H·W.
 *
 * @example
 * ```ts
 * const gate = new AttentionGate(64, 32, 16);
 * gate.call(tf.zeros([2, 64, 24, 20]), tf.zeros([2, 32, 24, 20])).shape; // [2, 32, 24, 20]
 * gate.attentionMap(g, x).shape; // [2, 1, 24, 20]
 * ```
 */
export class AttentionGate extends Module {
  // Names mirror the reference's state-dict keys (`W_g.0.weight`, …).
  /** 1×1 conv + batch norm on the gating signal. */
  readonly W_g: Sequential;
  /** 1×1 conv + batch norm on the skip connection. */
  readonly W_x: Sequential;
  /** 1×1 conv to one channel + batch norm + sigmoid: the attention map. */
  readonly psi: Sequential;

  /**
   * @param fG channels of the gating signal g (the reference's `f_g`)
   * @param fL channels of the skip connection x (`f_l`)
   * @param fInt intermediate channels (`f_int`)
   */
  constructor(
    readonly fG: number,
    readonly fL: number,
    readonly fInt: number,
  ) {
    super();
    for (const [n, v] of [['f_g', fG], ['f_l', fL], ['f_int', fInt]] as const) checkPositiveInt('AttentionGate', n, v);
    this.W_g = this.registerModule('W_g', new Sequential(new Conv2d(fG, fInt, 1), new BatchNorm2d(fInt)));
    this.W_x = this.registerModule('W_x', new Sequential(new Conv2d(fL, fInt, 1), new BatchNorm2d(fInt)));
    this.psi = this.registerModule('psi', new Sequential(new Conv2d(fInt, 1, 1), new BatchNorm2d(1), new Sigmoid()));
  }

  private check(g: Tensor, x: Tensor): void {
    checkImage(this.path(), g, this.fG, 'gating signal g');
    checkImage(this.path(), x, this.fL, 'skip connection x');
    if (g.shape[0] !== x.shape[0] || g.shape[2] !== x.shape[2] || g.shape[3] !== x.shape[3]) {
      throw new ShapeError(this.path(), `[${x.shape[0]}, ${this.fG}, ${x.shape[2]}, ${x.shape[3]}] (same batch and H, W as x; resize g first)`, g.shape, 'gating signal g');
    }
  }

  /** The attention map α: g `[B, fG, H, W]`, x `[B, fL, H, W]` → `[B, 1, H, W]` in (0, 1). */
  attentionMap(g: Tensor, x: Tensor): Tensor {
    return tidy(() => this.gate(g, x));
  }

  private gate(g: Tensor, x: Tensor): Tensor {
    this.check(g, x);
    return this.psi.call(relu(add(this.W_g.call(g), this.W_x.call(x))));
  }

  /** g `[B, fG, H, W]`, x `[B, fL, H, W]` → x · α, `[B, fL, H, W]`. */
  forward(g: Tensor, x: Tensor): Tensor {
    return mul(x, this.gate(g, x));
  }

  override extraRepr(): string {
    return `f_g=${this.fG}, f_l=${this.fL}, f_int=${this.fInt}`;
  }
}
