import { concat, type Tensor } from '@tensorflow/tfjs-core';
import { ArgumentError, ShapeError, maxPool2d } from '@nnkit/tensor';
import { Conv2d, Module, ModuleList } from '@nnkit/nn';
import { AttentionGate } from '@nnkit/attention';
import { ConvBlock, UpBlock } from './unet-blocks.js';

/** Options of {@link AttentionUNet} (`vision.py`'s arguments in camelCase). */
export interface AttentionUNetOptions {
  /** Input channels. Default 1. */
  inChannels?: number;
  /** Output classes (logit maps). Default 2. */
  numClasses?: number;
  /** Channels of the first level; doubled at each level. Default 8. */
  base?: number;
  /** Encoder levels (depth − 1 poolings). Default 4. */
  depth?: number;
}

/**
 * Attention U-Net (Oktay et al. 2018) as `shared/reference/vision.py`: an encoder of `depth`
 * {@link ConvBlock}s with 2×2 max pooling between them; a decoder that upsamples
 * ({@link UpBlock}, nearest, to the skip's exact size), gates each skip connection with an
 * `AttentionGate` from `@nnkit/attention` (gating signal = the upsampled decoder features),
 * concatenates `[gated skip, upsampled]` and applies a ConvBlock; a 1×1 conv gives
 * `numClasses` logits per pixel. Keys `encoders.i.*`, `ups.i.*`, `gates.i.*`, `decoders.i.*`, `head.*`.
 *
 * x: `[B, inChannels, H, W]`, any H, W ≥ 2^(depth−1) (odd sizes included) → `[B, numClasses, H, W]`.
 *
 * @example
 * ```ts
 * const net = new AttentionUNet({ inChannels: 1, numClasses: 3, base: 8, depth: 4 });
 * net.call(tf.zeros([2, 1, 37, 50])).shape; // [2, 3, 37, 50]
 * ```
 */
export class AttentionUNet extends Module {
  readonly inChannels: number;
  readonly numClasses: number;
  readonly depth: number;
  readonly encoders: ModuleList<ConvBlock>;
  readonly ups: ModuleList<UpBlock>;
  readonly gates: ModuleList<AttentionGate>;
  readonly decoders: ModuleList<ConvBlock>;
  readonly head: Conv2d;

  constructor(opts: AttentionUNetOptions = {}) {
    super();
    const { inChannels = 1, numClasses = 2, base = 8, depth = 4 } = opts;
    for (const [n, v] of [['inChannels', inChannels], ['numClasses', numClasses], ['base', base], ['depth', depth]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError('AttentionUNet', `${n} must be a positive integer, got ${v}`);
    }
    this.inChannels = inChannels;
    this.numClasses = numClasses;
    this.depth = depth;
    const chs = Array.from({ length: depth }, (_, i) => base * 2 ** i);
    this.encoders = this.registerModule('encoders', new ModuleList(chs.map((c, i) => new ConvBlock(i === 0 ? inChannels : chs[i - 1]!, c))));
    const ups: UpBlock[] = [];
    const gates: AttentionGate[] = [];
    const decoders: ConvBlock[] = [];
    for (let i = depth - 1; i > 0; i--) {
      const [hi, lo] = [chs[i]!, chs[i - 1]!];
      ups.push(new UpBlock(hi, lo));
      gates.push(new AttentionGate(lo, lo, Math.max(Math.floor(lo / 2), 1)));
      decoders.push(new ConvBlock(2 * lo, lo));
    }
    this.ups = this.registerModule('ups', new ModuleList(ups));
    this.gates = this.registerModule('gates', new ModuleList(gates));
    this.decoders = this.registerModule('decoders', new ModuleList(decoders));
    this.head = this.registerModule('head', new Conv2d(chs[0]!, numClasses, 1));
  }

  /** x: `[B, inChannels, H, W]` → logits `[B, numClasses, H, W]`. */
  forward(x: Tensor): Tensor {
    const min = 2 ** (this.depth - 1);
    const need = `[B, ${this.inChannels}, H, W] with H, W >= ${min} (2^(depth-1))`;
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) throw new ShapeError(this.path(), need, x.shape);
    if (x.shape[2]! < min || x.shape[3]! < min) throw new ShapeError(this.path(), `${need}: ${x.shape[2]} × ${x.shape[3]} is too small for ${this.depth - 1} poolings`, x.shape);
    const skips: Tensor[] = [];
    let h = x;
    [...this.encoders].forEach((enc, i) => {
      if (i > 0) h = maxPool2d(h, 2);
      h = enc.call(h);
      skips.push(h);
    });
    h = skips.pop()!;
    const ups = [...this.ups];
    const gates = [...this.gates];
    const decs = [...this.decoders];
    for (let i = 0; i < ups.length; i++) {
      const skip = skips.pop()!;
      const g = ups[i]!.call(h, [skip.shape[2]!, skip.shape[3]!]);
      h = decs[i]!.call(concat([gates[i]!.call(g, skip), g], 1));
    }
    return this.head.call(h);
  }
}
