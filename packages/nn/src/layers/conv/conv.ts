import { causalConv1d, causalConv2d, conv1d, conv2d, nextSeed, padNd, prepareConvFilter, resolveConvPadding, type ConvFilter, type ConvPadding, type ConvPaddingPairs, type SizeArg, ArgumentError } from '@nnkit/tensor';
import { randomUniform, type Tensor } from '@tensorflow/tfjs-core';
import { ShapeError } from '../../errors.js';
import { Module } from '../../module.js';
import { Parameter } from '../../parameter.js';
import { maxNorm_ } from '../basic/max-norm.js';
import { WeightCache } from '../../weight-cache.js';
import { checkFloatInput } from '../float-input.js';

/** Options of {@link Conv1d} / {@link Conv2d} (PyTorch keyword arguments). */
export interface ConvLayerOptions {
  /** Default 1. */
  stride?: SizeArg;
  /** Number / tuple (both sides), `'same'` or `'valid'`. Default 0. */
  padding?: ConvLayerPadding;
  /** Default 1. */
  dilation?: SizeArg;
  /** Default 1; `groups == inChannels` is a depthwise convolution. */
  groups?: number;
  /** Learnable bias. Default true. */
  bias?: boolean;
  /**
   * How `padding` fills the border, as PyTorch's `padding_mode`: `'zeros'` (default),
   * `'reflect'`, `'replicate'` or `'circular'` (the input is padded explicitly, then convolved
   * without padding; `'same'` splits the padding as PyTorch does, the extra sample on the right).
   */
  paddingMode?: ConvPaddingMode;
}

/** Padding of the convolution layers (PyTorch's `padding`): number / per-axis tuple (both sides), `'same'` or `'valid'`. */
export type ConvLayerPadding = Exclude<ConvPadding, ConvPaddingPairs>;

/** Border modes of the convolution layers (PyTorch's `padding_mode`). */
export type ConvPaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Options of the max-norm constrained convolutions. */
export interface ConstraintOptions {
  /** Largest L2 norm of each output filter `weight[o]`. Default 1. */
  maxNorm?: number;
}

/**
 * What a convolution layer's `forward` computes, as data — `F.convNd(x, weight, bias, stride,
 * padding, dilation, groups)` with zero padding — for code that computes the layer inside a
 * larger fused op (see {@link Conv2d.asConvolution}).
 */
export interface ConvolutionSpec {
  /** The weight `forward` would use now, `[Cout, Cin/groups, ...kernelSize]` (any constraint applied). */
  readonly weight: Tensor;
  /** `[Cout]`, or null without bias. */
  readonly bias: Tensor | null;
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  readonly groups: number;
  /** Zero padding, `[before, after]` per spatial axis, resolved at construction ('same' split as PyTorch). */
  readonly padding: ConvPaddingPairs;
}

const tuple = (v: SizeArg, n: number): number[] => (typeof v === 'number' ? new Array<number>(n).fill(v) : [...v]);

/** Shared implementation of the N-d convolution layers. */
abstract class ConvNd extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: ConvLayerPadding;
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: ConvPaddingMode;
  /**
   * `padding` resolved once, at construction: `[before, after]` per spatial axis (PyTorch's
   * 'same' split, the odd extra after). Used as zero padding or, with a non-'zeros'
   * `paddingMode`, as the explicit `F.pad` of the input.
   */
  readonly resolvedPadding: ConvPaddingPairs;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: SizeArg,
    readonly nd: number,
    opts: ConvLayerOptions,
  ) {
    super();
    this.groups = opts.groups ?? 1;
    this.kernelSize = tuple(kernelSize, nd);
    this.stride = tuple(opts.stride ?? 1, nd);
    this.dilation = tuple(opts.dilation ?? 1, nd);
    this.padding = opts.padding ?? 0;
    this.paddingMode = opts.paddingMode ?? 'zeros';
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(this.paddingMode)) {
      throw new ArgumentError(this.constructor.name, `paddingMode must be 'zeros', 'reflect', 'replicate' or 'circular', got '${String(this.paddingMode)}'`);
    }
    this.resolvedPadding = this.resolvePadding();
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ArgumentError(this.constructor.name, `inChannels ${inChannels} and outChannels ${outChannels} must be divisible by groups ${this.groups}`);
    }
    const fanIn = (inChannels / this.groups) * this.kernelSize.reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(fanIn); // kaiming_uniform(a=sqrt(5)) == U(-1/sqrt(fanIn), 1/sqrt(fanIn))
    // Seeded from nnkit's global RNG (manualSeed), like every other init: same seed, same weights.
    this.weight = this.registerParameter('weight', new Parameter(randomUniform([outChannels, inChannels / this.groups, ...this.kernelSize], -bound, bound, 'float32', nextSeed())));
    this.bias = this.registerParameter('bias', opts.bias === false ? null : new Parameter(randomUniform([outChannels], -bound, bound, 'float32', nextSeed())));
  }

  /** The layer's padding as `[before, after]` pairs (overridden by the causal layers); called once by the constructor. */
  protected resolvePadding(): ConvPaddingPairs {
    return resolveConvPadding(this.padding, this.kernelSize, this.dilation, this.stride, this.constructor.name);
  }

  private get padsNothing(): boolean {
    return this.resolvedPadding.every(([a, b]) => a === 0 && b === 0);
  }

  /**
   * For a non-zeros `paddingMode`: `x` padded explicitly (PyTorch's `F.pad` with the layer's
   * padding) and the padding left for the convolution (none); otherwise `x` and the zero padding.
   */
  protected padded(x: Tensor): { x: Tensor; padding: ConvPadding } {
    if (this.paddingMode === 'zeros') return { x, padding: this.resolvedPadding };
    // F.pad lists the last axis first.
    const flat = [...this.resolvedPadding].reverse().flat();
    if (this.padsNothing) return { x, padding: 0 };
    const mode = this.paddingMode;
    try {
      return { x: padNd(x, flat, { mode }), padding: 0 };
    } catch (e) {
      throw new ShapeError(this.path(), `an input large enough for paddingMode '${mode}' (${(e as Error).message})`, x.shape);
    }
  }

  private readonly filterCache = new WeightCache<ConvFilter>();

  protected override clearWeightCache(): void {
    this.filterCache.clear();
  }

  /** The weight in the kernel's layout, kept between eval-mode calls under `cacheWeights()`. */
  protected filter(): { filter?: ConvFilter } {
    if (!this.weightCaching || this.training) return {};
    const w = this.weight.data;
    return { filter: this.filterCache.get([w], () => prepareConvFilter(w, this.groups)) };
  }

  /** Applies the layer's weight constraint before use (none here; the `…WithConstraint` layers renorm). */
  protected constrainWeight(): void {}

  /**
   * This layer as a plain zero-padded convolution ({@link ConvolutionSpec}), for a parent that
   * computes it inside a fused op — or null when `forward` is more than that and must run: a
   * non-'zeros' `paddingMode` with non-zero padding, or forward hooks registered on the layer
   * (someone observes its `forward`, e.g. `summary()`). Applies the weight constraint first, as
   * `forward` does. The tensors are the layer's own: do not dispose them.
   *
   * @example
   * ```ts
   * const conv = new Conv2d(1, 8, [1, 32], { padding: 'same', bias: false });
   * conv.asConvolution()?.padding; // [[0, 0], [15, 16]]
   * new Conv2d(1, 8, [1, 32], { padding: 'same', paddingMode: 'circular' }).asConvolution(); // null
   * ```
   */
  asConvolution(): ConvolutionSpec | null {
    if (this.hasHooks() || (this.paddingMode !== 'zeros' && !this.padsNothing)) return null;
    this.constrainWeight();
    return {
      weight: this.weight.data,
      bias: this.bias?.data ?? null,
      stride: this.stride,
      dilation: this.dilation,
      groups: this.groups,
      padding: this.resolvedPadding,
    };
  }

  /** Checks `x`, applies the weight constraint, pads `x` for a non-zeros `paddingMode`, and runs `op` with the layer's options. */
  protected convolve(x: Tensor, op: typeof conv1d | typeof conv2d): Tensor {
    this.checkInput(x);
    this.constrainWeight();
    const p = this.padded(x);
    if (p.padding !== 'same') {
      const pp = p.padding;
      const pairs: [number, number][] =
        typeof pp === 'string'
          ? this.kernelSize.map(() => [0, 0])
          : Array.isArray(pp) && Array.isArray(pp[0])
            ? (pp as ConvPaddingPairs).map(([a, b]) => [a, b])
            : tuple(pp as SizeArg, this.nd).map((v) => [v, v]);
      this.checkKernelFits(p.x, pairs);
    }
    return op(p.x, this.weight.data, this.bias?.data ?? null, { stride: this.stride, padding: p.padding, dilation: this.dilation, groups: this.groups, ...this.filter() });
  }

  /**
   * Throws a ShapeError naming the module unless every spatial axis of `x`, padded by `pads`
   * (before, after), holds the dilated kernel (PyTorch: "Kernel size can't be greater than
   * actual input size").
   */
  protected checkKernelFits(x: Tensor, pads: [number, number][]): void {
    const spatial = x.shape.slice(2);
    const fits = spatial.every((len, i) => len + pads[i]![0] + pads[i]![1] >= this.dilation[i]! * (this.kernelSize[i]! - 1) + 1);
    if (!fits) {
      const padded = spatial.map((len, i) => len + pads[i]![0] + pads[i]![1]);
      const k = this.kernelSize.map((v, i) => this.dilation[i]! * (v - 1) + 1);
      const least = k.map((v, i) => `≥${Math.max(1, v - pads[i]![0] - pads[i]![1])}`);
      const expected = `[B, ${this.inChannels}, ${least.join(', ')}] (the dilated kernel [${k.join(', ')}] is larger than the padded input [${padded.join(', ')}])`;
      throw new ShapeError(this.path(), expected, x.shape);
    }
  }

  protected checkInput(x: Tensor): void {
    checkFloatInput(this, x);
    if (x.rank !== this.nd + 2 || x.shape[1] !== this.inChannels) {
      const dims = this.nd === 1 ? 'T' : 'H, W';
      throw new ShapeError(this.path(), `[B, ${this.inChannels}, ${dims}]`, x.shape);
    }
  }

  /** Multiply-accumulates of one forward pass (torchstat convention, bias excluded). */
  multAdds(_inputShape: number[], outputShape: number[]): number {
    const outElems = outputShape.reduce((a, b) => a * b, 1);
    return outElems * (this.inChannels / this.groups) * this.kernelSize.reduce((a, b) => a * b, 1);
  }

  override extraRepr(): string {
    const f = (v: number[]): string => (this.nd === 1 ? `(${v[0]},)` : `(${v.join(', ')})`);
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${f(this.kernelSize)}, stride=${f(this.stride)}`;
    if (this.padding !== 0) s += `, padding=${typeof this.padding === 'string' ? this.padding : f(tuple(this.padding, this.nd))}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${f(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/**
 * 1-D convolution layer (`torch.nn.Conv1d`): params `weight [Cout, Cin/groups, K]`, `bias [Cout]`.
 * Input `[B, Cin, T]` -> `[B, Cout, To]`.
 * @example
 * ```ts
 * const conv = new Conv1d(16, 32, 4, { dilation: 2, padding: 'same' });
 * const y = conv.call(x); // x: [B, 16, T] -> y: [B, 32, T]
 * ```
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, opts: ConvLayerOptions = {}) {
    super(inChannels, outChannels, kernelSize, 1, opts);
  }
  /** x: `[B, Cin, T]` -> `[B, Cout, To]`. */
  forward(x: Tensor): Tensor {
    return this.convolve(x, conv1d);
  }
}

/**
 * 2-D convolution layer (`torch.nn.Conv2d`): params `weight [Cout, Cin/groups, kH, kW]`, `bias [Cout]`.
 * Input `[B, Cin, H, W]` -> `[B, Cout, Ho, Wo]`.
 * @example
 * ```ts
 * const conv = new Conv2d(1, 8, [1, 32], { padding: 'same', bias: false });
 * const y = conv.call(x); // [B, 1, 22, 1000] -> [B, 8, 22, 1000]
 * ```
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, opts: ConvLayerOptions = {}) {
    super(inChannels, outChannels, kernelSize, 2, opts);
  }
  /** x: `[B, Cin, H, W]` -> `[B, Cout, Ho, Wo]`. */
  forward(x: Tensor): Tensor {
    return this.convolve(x, conv2d);
  }
}

/**
 * Causal 1-D convolution: left-pads time by `dilation*(K-1)`, so `To = T` at stride 1. Same
 * parameters (and state_dict keys) as {@link Conv1d}; `padding` is implied.
 * @example
 * ```ts
 * const c = new CausalConv1d(8, 8, 4, { dilation: 2 }); // [B, 8, T] -> [B, 8, T]
 * ```
 */
export class CausalConv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, opts: Omit<ConvLayerOptions, 'padding' | 'paddingMode'> = {}) {
    super(inChannels, outChannels, kernelSize, 1, opts);
  }
  /** `dilation·(K − 1)` on the left of time, none on the right. */
  protected override resolvePadding(): ConvPaddingPairs {
    return [[this.dilation[0]! * (this.kernelSize[0]! - 1), 0]];
  }
  /** x: `[B, Cin, T]` -> `[B, Cout, T']`. */
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    this.checkKernelFits(x, [[this.dilation[0]! * (this.kernelSize[0]! - 1), 0]]);
    return causalConv1d(x, this.weight.data, this.bias?.data ?? null, { stride: this.stride, dilation: this.dilation, groups: this.groups, ...this.filter() });
  }
}

/**
 * Causal 2-D convolution on `[B, C, H, T]`: left-pads only the last (time) axis.
 * @example
 * ```ts
 * const c = new CausalConv2d(1, 4, [2, 5]); // [B, 1, H, T] -> [B, 4, H-1, T]
 * ```
 */
export class CausalConv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, opts: Omit<ConvLayerOptions, 'padding' | 'paddingMode'> = {}) {
    super(inChannels, outChannels, kernelSize, 2, opts);
  }
  /** No padding of H; `dilation[1]·(kW − 1)` on the left of time (W). */
  protected override resolvePadding(): ConvPaddingPairs {
    return [
      [0, 0],
      [this.dilation[1]! * (this.kernelSize[1]! - 1), 0],
    ];
  }
  /** x: `[B, Cin, H, T]` -> `[B, Cout, Ho, T']`. */
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    this.checkKernelFits(x, [[0, 0], [this.dilation[1]! * (this.kernelSize[1]! - 1), 0]]);
    return causalConv2d(x, this.weight.data, this.bias?.data ?? null, { stride: this.stride, dilation: this.dilation, groups: this.groups, ...this.filter() });
  }
}

/**
 * `Conv1d` whose stored weight is renormed in place (each output filter to L2 norm <= maxNorm)
 * before every forward, as `Conv1dWithConstraint` in the EEG reference models.
 * @example
 * ```ts
 * const c = new Conv1dWithConstraint(8, 8, 3, { padding: 1, maxNorm: 0.5 });
 * ```
 */
export class Conv1dWithConstraint extends Conv1d {
  readonly maxNorm: number;
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, opts: ConvLayerOptions & ConstraintOptions = {}) {
    const { maxNorm, ...rest } = opts;
    super(inChannels, outChannels, kernelSize, rest);
    this.maxNorm = maxNorm ?? 1;
  }
  /** Renorms `weight` in place (each output filter to L2 norm <= maxNorm) before every use. */
  protected override constrainWeight(): void {
    maxNorm_(this.weight, this.maxNorm);
  }
  override extraRepr(): string {
    return `${super.extraRepr()}, max_norm=${this.maxNorm}`;
  }
}

/**
 * `Conv2d` whose stored weight is renormed in place (each output filter to L2 norm <= maxNorm)
 * before every forward (EEGNet's spatial depthwise convolution).
 * @example
 * ```ts
 * const c = new Conv2dWithConstraint(8, 16, [22, 1], { groups: 8, bias: false, maxNorm: 1 });
 * ```
 */
export class Conv2dWithConstraint extends Conv2d {
  readonly maxNorm: number;
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, opts: ConvLayerOptions & ConstraintOptions = {}) {
    const { maxNorm, ...rest } = opts;
    super(inChannels, outChannels, kernelSize, rest);
    this.maxNorm = maxNorm ?? 1;
  }
  /** Renorms `weight` in place (each output filter to L2 norm <= maxNorm) before every use. */
  protected override constrainWeight(): void {
    maxNorm_(this.weight, this.maxNorm);
  }
  override extraRepr(): string {
    return `${super.extraRepr()}, max_norm=${this.maxNorm}`;
  }
}
