import { elu, reshape, slice, type Tensor } from '@tensorflow/tfjs-core';
import { AvgPool2d, BatchNorm2d, Conv2d, Conv2dWithConstraint, Dropout, Module, WeightCache } from '@nnkit/nn';
import { fusedFrontEndPadding } from '../fused/front-end-form.js';
import { temporalConvMoments } from '../fused/temporal-conv-moments.js';
import { applyTemporalSpatial, prepareTemporalSpatial, temporalSpatialConv, type TemporalSpatialWeights } from '../fused/temporal-spatial.js';

/** Batch-norm settings of a front end: the EEGNet/EEG-TCNet code uses Keras' (eps 1e-3, momentum 0.01). */
export interface FrontEndBatchNorm {
  eps: number;
  momentum: number;
}

/** Keras' batch-norm defaults, used by the EEGNet and EEG-TCNet code (Keras momentum 0.99). */
export const KERAS_BN: FrontEndBatchNorm = { eps: 1e-3, momentum: 0.01 };

/** Drops the singleton height of pooled feature maps: [B, F, 1, T] → [B, F, T]. */
export function squeezeHeight(h: Tensor): Tensor {
  const [b, f, , t] = h.shape as [number, number, number, number];
  return reshape(h, [b, f, t]);
}

/** The last time step of a sequence: [B, F, T] → [B, F]. */
export function lastStep(seq: Tensor): Tensor {
  const [b, f, t] = seq.shape as [number, number, number];
  return reshape(slice(seq, [0, 0, t - 1], [b, f, 1]), [b, f]);
}

/** Options of {@link EEGNetFrontEnd}. */
export interface EEGNetFrontEndOptions {
  nChans: number;
  nClasses: number;
  /** Temporal filters. */
  F1: number;
  /** Spatial filters per temporal filter (depth multiplier). */
  D: number;
  /** Temporal kernel length ('same' padding). */
  kernLength: number;
  /** First average-pooling factor along time. */
  pool: number;
  /** Dropout after the first pooling. */
  dropout: number;
  /** Batch-norm eps/momentum; PyTorch's defaults when omitted. */
  bn?: FrontEndBatchNorm;
}

/**
 * The EEGNet front end shared by EEGNet, EEG-TCNet and EEG-Inception-TCN, registered under the
 * reference's keys (`conv_temporal`, `bn1`, `conv_spatial`, `bn2`, `pool1`, `drop1`): temporal
 * conv ('same') → batch norm → depthwise spatial conv over all channels (max-norm 1) → batch
 * norm → ELU → average pool → dropout. Subclasses register their own layers after these.
 *
 * x: [B, nChans, T] → [B, F1·D, 1, ⌊T/pool⌋] ({@link EEGNetFrontEnd.frontEnd}).
 */
export abstract class EEGNetFrontEnd extends Module {
  readonly nChans: number;
  readonly nClasses: number;
  /** Factor of the first average pooling. */
  readonly pool1Factor: number;
  readonly convTemporal: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly convSpatial: Conv2dWithConstraint;
  readonly bn2: BatchNorm2d;
  readonly pool1: AvgPool2d;
  readonly drop1: Dropout;

  /** Eval-mode prepared front-end weights (see `Module.cacheWeights`). */
  private readonly frontCache = new WeightCache<TemporalSpatialWeights>();

  protected override clearWeightCache(): void {
    this.frontCache.clear();
  }

  protected constructor(o: EEGNetFrontEndOptions) {
    super();
    const F2 = o.F1 * o.D;
    this.nChans = o.nChans;
    this.nClasses = o.nClasses;
    this.pool1Factor = o.pool;
    const bn = o.bn ?? {};
    this.convTemporal = this.registerModule('conv_temporal', new Conv2d(1, o.F1, [1, o.kernLength], { padding: 'same', bias: false }));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(o.F1, bn));
    this.convSpatial = this.registerModule(
      'conv_spatial',
      new Conv2dWithConstraint(o.F1, F2, [o.nChans, 1], { groups: o.F1, bias: false, maxNorm: 1.0 }),
    );
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(F2, bn));
    this.pool1 = this.registerModule('pool1', new AvgPool2d([1, o.pool]));
    this.drop1 = this.registerModule('drop1', new Dropout(o.dropout));
  }

  /**
   * The shared front end: x: [B, nChans, T] → [B, F1·D, 1, ⌊T/pool⌋].
   *
   * `conv_temporal` → `bn1` → `conv_spatial` run as one {@link temporalSpatialConv} (spatial
   * mixing first, then a depthwise temporal filter: no `[B, F1, C, T]` activation) with `bn1`
   * folded into a per-filter scale/shift — from its running statistics in eval mode, from the
   * batch moments of the temporal convolution ({@link temporalConvMoments}, differentiable in
   * the temporal weight like batch norm's own statistics) in train mode, where `bn1`'s running
   * statistics are updated as its `forward` would. Equal to the module path up to float
   * rounding; that path is taken instead when one of the three modules has forward hooks
   * (e.g. `summary()`) or the layers are configured in a way the fused op does not cover.
   */
  /** The front end's layers, for fused eval plans. */
  protected frontLayers(): { convTemporal: Conv2d; bn1: BatchNorm2d; convSpatial: Conv2d; bn2: BatchNorm2d; pool1: AvgPool2d } {
    return { convTemporal: this.convTemporal, bn1: this.bn1, convSpatial: this.convSpatial, bn2: this.bn2, pool1: this.pool1 };
  }

  protected frontEnd(x: Tensor): Tensor {
    const [b, c, t] = x.shape as [number, number, number];
    const x4 = reshape(x, [b, 1, c, t]);
    return this.drop1.call(this.pool1.call(elu(this.bn2.call(this.temporalSpatial(x4)))));
  }

  /**
   * The first three layers, `conv_spatial(bn1(conv_temporal(x4)))`: x4 `[B, 1, nChans, T]` →
   * `[B, F1·D, 1, T]`, on the fused path when it applies (see {@link EEGNetFrontEnd.frontEnd}),
   * through the modules otherwise. The stream calls it on a window's edge ranges.
   *
   * @example
   * ```ts
   * const y = model.temporalSpatial(tf.zeros([1, 1, 22, 100])); // [1, 16, 1, 100]
   * ```
   */
  temporalSpatial(x4: Tensor): Tensor {
    return this.fusedTemporalSpatial(x4) ?? this.convSpatial.call(this.bn1.call(this.convTemporal.call(x4)));
  }

  /**
   * `conv_spatial(bn1(conv_temporal(x4)))` through {@link temporalSpatialConv}, or `null` when
   * the module path must be used. The layers say whether they can be computed as data
   * (`Conv2d.asConvolution()`, `BatchNorm2d.asAffine()`: null with hooks, a non-'zeros'
   * padding mode, …); {@link fusedFrontEndPadding} whether the fused op covers them.
   */
  private fusedTemporalSpatial(x4: Tensor): Tensor | null {
    const bn = this.bn1;
    if (x4.dtype !== 'float32' || x4.rank !== 4 || x4.shape[3]! < 1) return null;
    const temporal = this.convTemporal.asConvolution();
    const spatial = temporal && this.convSpatial.asConvolution();
    if (!temporal || !spatial) return null;
    const padding = fusedFrontEndPadding(temporal, spatial, bn.numFeatures, x4.shape);
    if (padding === null) return null;
    const wT = temporal.weight;
    if (!bn.usesBatchStats) {
      const affine = bn.asAffine();
      if (affine === null) return null;
      // Eval: every weight-derived tensor (batch norm folded, filters in the kernels' layouts)
      // depends on the weights only; kept between calls when weight caching is on.
      const prepare = (): TemporalSpatialWeights => prepareTemporalSpatial(wT, spatial.weight, { ...affine, padding });
      const sources = [wT, spatial.weight, affine.scale, affine.shift];
      const w = this.weightCaching ? this.frontCache.get(sources, prepare) : prepare();
      return applyTemporalSpatial(x4, w);
    }
    const affine = bn.asAffine(temporalConvMoments(x4, wT, { padding }));
    if (affine === null) return null;
    return temporalSpatialConv(x4, wT, spatial.weight, { ...affine, padding, center: true });
  }
}

/** Options of {@link EEGNetFeatures}: the front end's plus the separable block's. */
export interface EEGNetFeaturesOptions extends EEGNetFrontEndOptions {
  /** Pointwise filters of the separable convolution. */
  F2: number;
  /** Dropout after the second pooling. */
  dropout2: number;
}

/**
 * EEGNet's whole feature extractor: {@link EEGNetFrontEnd} then the separable convolution
 * (depthwise (1, 16) 'same' + pointwise 1×1, keys `conv_separable_depth`, `conv_separable_point`),
 * batch norm `bn3`, ELU, average pool 8 (`pool2`) and dropout (`drop2`). Base of EEGNet and EEG-TCNet.
 *
 * x: [B, nChans, T] → [B, F2, 1, ⌊⌊T/pool⌋/8⌋] ({@link EEGNetFeatures.features}).
 */
export abstract class EEGNetFeatures extends EEGNetFrontEnd {
  readonly convSeparableDepth: Conv2d;
  readonly convSeparablePoint: Conv2d;
  readonly bn3: BatchNorm2d;
  readonly pool2: AvgPool2d;
  readonly drop2: Dropout;

  protected constructor(o: EEGNetFeaturesOptions) {
    super(o);
    const FD = o.F1 * o.D;
    this.convSeparableDepth = this.registerModule(
      'conv_separable_depth',
      new Conv2d(FD, FD, [1, 16], { padding: 'same', groups: FD, bias: false }),
    );
    this.convSeparablePoint = this.registerModule('conv_separable_point', new Conv2d(FD, o.F2, 1, { bias: false }));
    this.bn3 = this.registerModule('bn3', new BatchNorm2d(o.F2, o.bn ?? {}));
    this.pool2 = this.registerModule('pool2', new AvgPool2d([1, 8]));
    this.drop2 = this.registerModule('drop2', new Dropout(o.dropout2));
  }

  /** Feature maps: x: [B, nChans, T] → [B, F2, 1, ⌊⌊T/pool⌋/8⌋]. */
  features(x: Tensor): Tensor {
    const h = this.convSeparablePoint.call(this.convSeparableDepth.call(this.frontEnd(x)));
    return this.drop2.call(this.pool2.call(elu(this.bn3.call(h))));
  }
}
