import {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  avgPool1d,
  avgPool2d,
  maxPool1d,
  maxPool2d,
  type AvgPoolOptions,
  type MaxPoolOptions,
  type SizeArg,
  NnkitError,
} from '@nnkit/tensor';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ShapeError } from '../../errors.js';
import { Module } from '../../module.js';

const fmt = (v: SizeArg | null | undefined): string => (v == null ? 'None' : typeof v === 'number' ? String(v) : `(${v.join(', ')})`);
const prod = (s: number[]): number => s.reduce((a, b) => a * b, 1);
const kprod = (k: SizeArg, n: number): number => (typeof k === 'number' ? k ** n : prod([...k]));

abstract class PoolBase extends Module {
  constructor(protected readonly nd: number) {
    super();
  }
  protected checkInput(x: Tensor): void {
    if (x.rank !== this.nd + 2) throw new ShapeError(this.path(), this.nd === 1 ? '[B, C, T]' : '[B, C, H, W]', x.shape);
  }
  /** Runs the pooling op; an input too small for the window becomes a ShapeError naming the module. */
  protected pool(x: Tensor, run: () => Tensor): Tensor {
    this.checkInput(x);
    try {
      return run();
    } catch (e) {
      if (e instanceof RangeError || (e instanceof NnkitError && (e.code === 'shape' || e.code === 'argument'))) {
        throw new ShapeError(this.path(), `${this.nd === 1 ? '[B, C, T]' : '[B, C, H, W]'} large enough for the window (${e.message})`, x.shape);
      }
      throw e;
    }
  }
}

abstract class MaxPoolNd extends PoolBase {
  constructor(
    nd: number,
    readonly kernelSize: SizeArg,
    readonly opts: MaxPoolOptions,
  ) {
    super(nd);
  }
  /** Comparisons per output element (torchstat counts kernel size per output). */
  multAdds(_inputShape: number[], outputShape: number[]): number {
    return prod(outputShape) * kprod(this.kernelSize, this.nd);
  }
  override extraRepr(): string {
    const o = this.opts;
    return `kernel_size=${fmt(this.kernelSize)}, stride=${fmt(o.stride ?? this.kernelSize)}, padding=${fmt(o.padding ?? 0)}, dilation=${fmt(o.dilation ?? 1)}, ceil_mode=${o.ceilMode ? 'True' : 'False'}`;
  }
}

/**
 * `torch.nn.MaxPool1d`: `[B, C, T]` -> `[B, C, To]`.
 * @example
 * ```ts
 * const pool = new MaxPool1d(3, { stride: 2, ceilMode: true });
 * ```
 */
export class MaxPool1d extends MaxPoolNd {
  constructor(kernelSize: SizeArg, opts: MaxPoolOptions = {}) {
    super(1, kernelSize, opts);
  }
  /** x: `[B, C, T]`. */
  forward(x: Tensor): Tensor {
    return this.pool(x, () => maxPool1d(x, this.kernelSize, this.opts));
  }
}

/**
 * `torch.nn.MaxPool2d`: `[B, C, H, W]` -> `[B, C, Ho, Wo]`.
 * @example
 * ```ts
 * const pool = new MaxPool2d([3, 3], { stride: 1, padding: [1, 1] });
 * ```
 */
export class MaxPool2d extends MaxPoolNd {
  constructor(kernelSize: SizeArg, opts: MaxPoolOptions = {}) {
    super(2, kernelSize, opts);
  }
  /** x: `[B, C, H, W]`. */
  forward(x: Tensor): Tensor {
    return this.pool(x, () => maxPool2d(x, this.kernelSize, this.opts));
  }
}

abstract class AvgPoolNd extends PoolBase {
  constructor(
    nd: number,
    readonly kernelSize: SizeArg,
    readonly opts: AvgPoolOptions,
  ) {
    super(nd);
  }
  /** Additions per output element (kernel size) — torchstat convention. */
  multAdds(_inputShape: number[], outputShape: number[]): number {
    return prod(outputShape) * kprod(this.kernelSize, this.nd);
  }
  override extraRepr(): string {
    const o = this.opts;
    return `kernel_size=${fmt(this.kernelSize)}, stride=${fmt(o.stride ?? this.kernelSize)}, padding=${fmt(o.padding ?? 0)}`;
  }
}

/**
 * `torch.nn.AvgPool1d`: `[B, C, T]` -> `[B, C, To]`.
 * @example
 * ```ts
 * const pool = new AvgPool1d(4, { ceilMode: true, countIncludePad: false, padding: 1 });
 * ```
 */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: SizeArg, opts: Omit<AvgPoolOptions, 'divisorOverride'> = {}) {
    super(1, kernelSize, opts);
  }
  /** x: `[B, C, T]`. */
  forward(x: Tensor): Tensor {
    return this.pool(x, () => avgPool1d(x, this.kernelSize, this.opts));
  }
}

/**
 * `torch.nn.AvgPool2d`: `[B, C, H, W]` -> `[B, C, Ho, Wo]`.
 * @example
 * ```ts
 * const pool = new AvgPool2d([1, 8]); // EEGNet temporal pooling
 * ```
 */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: SizeArg, opts: AvgPoolOptions = {}) {
    super(2, kernelSize, opts);
  }
  /** x: `[B, C, H, W]`. */
  forward(x: Tensor): Tensor {
    return this.pool(x, () => avgPool2d(x, this.kernelSize, this.opts));
  }
}

abstract class AdaptiveNd extends PoolBase {
  constructor(
    nd: number,
    readonly outputSize: SizeArg,
  ) {
    super(nd);
  }
  /** One add per input element. */
  multAdds(inputShape: number[], _outputShape: number[]): number {
    return prod(inputShape);
  }
  override extraRepr(): string {
    return `output_size=${fmt(this.outputSize)}`;
  }
}

/**
 * `torch.nn.AdaptiveAvgPool1d`: `[B, C, T]` -> `[B, C, outputSize]` (PyTorch's bins).
 * @example
 * ```ts
 * const pool = new AdaptiveAvgPool1d(7);
 * ```
 */
export class AdaptiveAvgPool1d extends AdaptiveNd {
  constructor(outputSize: SizeArg) {
    super(1, outputSize);
  }
  /** x: `[B, C, T]`. */
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return adaptiveAvgPool1d(x, this.outputSize);
  }
}

/**
 * `torch.nn.AdaptiveAvgPool2d`: `[B, C, H, W]` -> `[B, C, oH, oW]`.
 * @example
 * ```ts
 * const gap = new AdaptiveAvgPool2d(1);
 * ```
 */
export class AdaptiveAvgPool2d extends AdaptiveNd {
  constructor(outputSize: SizeArg) {
    super(2, outputSize);
  }
  /** x: `[B, C, H, W]`. */
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}

/**
 * `torch.nn.AdaptiveMaxPool1d` (values only): `[B, C, T]` -> `[B, C, outputSize]`.
 * @example
 * ```ts
 * const pool = new AdaptiveMaxPool1d(4);
 * ```
 */
export class AdaptiveMaxPool1d extends AdaptiveNd {
  constructor(outputSize: SizeArg) {
    super(1, outputSize);
  }
  /** x: `[B, C, T]`. */
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return adaptiveMaxPool1d(x, this.outputSize);
  }
}

/**
 * `torch.nn.AdaptiveMaxPool2d` (values only): `[B, C, H, W]` -> `[B, C, oH, oW]`.
 * @example
 * ```ts
 * const pool = new AdaptiveMaxPool2d([2, 4]);
 * ```
 */
export class AdaptiveMaxPool2d extends AdaptiveNd {
  constructor(outputSize: SizeArg) {
    super(2, outputSize);
  }
  /** x: `[B, C, H, W]`. */
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return adaptiveMaxPool2d(x, this.outputSize);
  }
}
