import { causalConv1d, causalConv2d, conv1d, conv2d, nextSeed, padNd, prepareConvFilter, type ConvFilter, type ConvPadding, type SizeArg } from '@nnkit/tensor';
import { randomUniform, tidy, type Tensor } from '@tensorflow/tfjs-core';
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
  padding?: ConvPadding;
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

/** Border modes of the convolution layers (PyTorch's `padding_mode`). */
export type ConvPaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Options of the max-norm constrained convolutions. */
export interface ConstraintOptions {
  /** Largest L2 norm of each output filter `weight[o]`. Default 1. */
  maxNorm?: number;
}

const tuple = (v: SizeArg, n: number): number[] => (typeof v === 'number' ? new Array<number>(n).fill(v) : [...v]);

/** Shared implementation of the N-d convolution layers. */
abstract class ConvNd extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: ConvPadding;
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: ConvPaddingMode;

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
      throw new RangeError(`${this.constructor.name}: paddingMode must be 'zeros', 'reflect', 'replicate' or 'circular', got '${String(this.paddingMode)}'`);
    }
    if (this.paddingMode !== 'zeros' && this.padding === 'same' && this.stride.some((s) => s !== 1)) {
      throw new RangeError(`${this.constructor.name}: padding 'same' needs stride 1`);
    }
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new RangeError(`${this.constructor.name}: inChannels ${inChannels} and outChannels ${outChannels} must be divisible by groups ${this.groups}`);
    }
    const fanIn = (inChannels / this.groups) * this.kernelSize.reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(fanIn); // kaiming_uniform(a=sqrt(5)) == U(-1/sqrt(fanIn), 1/sqrt(fanIn))
    // Seeded from nnkit's global RNG (manualSeed), like every other init: same seed, same weights.
    this.weight = this.registerParameter('weight', new Parameter(randomUniform([outChannels, inChannels / this.groups, ...this.kernelSize], -bound, bound, 'float32', nextSeed())));
    this.bias = this.registerParameter('bias', opts.bias === false ? null : new Parameter(randomUniform([outChannels], -bound, bound, 'float32', nextSeed())));
  }

  /**
   * For a non-zeros `paddingMode`: `x` padded explicitly (PyTorch's `F.pad` with the layer's
   * padding) and the padding left for the convolution (0); otherwise both unchanged.
   */
  protected padded(x: Tensor): { x: Tensor; padding: ConvPadding } {
    if (this.paddingMode === 'zeros') return { x, padding: this.padding };
    const per: Array<[number, number]> = this.kernelSize.map((k, i) => {
      if (this.padding === 'valid') return [0, 0];
      if (this.padding === 'same') {
        const total = this.dilation[i]! * (k - 1);
        return [Math.floor(total / 2), total - Math.floor(total / 2)];
      }
      const p = tuple(this.padding, this.nd)[i]!;
      return [p, p];
    });
    // F.pad lists the last axis first.
    const flat = per.reverse().flat();
    if (flat.every((v) => v === 0)) return { x, padding: 0 };
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

  /** Checks `x`, pads it for a non-zeros `paddingMode`, and runs `op` with the layer's options. */
  protected convolve(x: Tensor, op: typeof conv1d | typeof conv2d): Tensor {
    this.checkInput(x);
    const p = this.padded(x);
    if (p.padding !== 'same') {
      const pads = typeof p.padding === 'string' ? 0 : tuple(p.padding, this.nd);
      this.checkKernelFits(p.x, this.kernelSize.map((_, i) => (pads === 0 ? [0, 0] : [pads[i]!, pads[i]!])));
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
  /** Renorms `weight` in place, then convolves: `[B, Cin, T]` -> `[B, Cout, To]`. */
  override forward(x: Tensor): Tensor {
    this.checkInput(x);
    maxNorm_(this.weight, this.maxNorm);
    return super.forward(x);
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
  /** Renorms `weight` in place, then convolves: `[B, Cin, H, W]` -> `[B, Cout, Ho, Wo]`. */
  override forward(x: Tensor): Tensor {
    this.checkInput(x);
    maxNorm_(this.weight, this.maxNorm);
    return super.forward(x);
  }
  override extraRepr(): string {
    return `${super.extraRepr()}, max_norm=${this.maxNorm}`;
  }
}
