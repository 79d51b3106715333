import { elu, reshape, slice, type Tensor } from '@tensorflow/tfjs-core';
import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  Conv2dWithConstraint,
  Dropout,
  LinearWithConstraint,
  Module,
} from '@nnkit/nn';
import { TemporalConvNet } from '../blocks/temporal-conv-net.js';
import { checkEegInput } from './check-input.js';

/** Options of {@link EEGTCNet}; defaults are the paper's fixed hyper-parameters. */
export interface EEGTCNetOptions {
  /** EEG channels. Default 22. */
  nChans?: number;
  /** Classes. Default 4. */
  nClasses?: number;
  /** Temporal filters. Default 8. */
  F1?: number;
  /** Depth multiplier of the spatial conv. Default 2. */
  D?: number;
  /** Temporal kernel length. Default 32. */
  KE?: number;
  /** Dropout of the EEGNet part. Default 0.2. */
  pe?: number;
  /** Residual blocks in the TCN. Default 2. */
  L?: number;
  /** TCN filters. Default 12. */
  FT?: number;
  /** TCN kernel size. Default 4. */
  KT?: number;
  /** Dropout of the TCN. Default 0.3. */
  pt?: number;
}

/**
 * EEG-TCNet (Ingolfsson et al. 2020): an EEGNet front end (temporal conv, depthwise spatial
 * conv with max-norm 1, two average poolings of 8) followed by a temporal convolutional
 * network; the last time step feeds a max-norm (0.25) linear classifier. With the defaults
 * (22 channels, 4 classes) it has 4,096 trainable parameters, 4,272 counting batch-norm
 * running statistics (the paper's 4.27k).
 *
 * x: [B, nChans, T] → logits [B, nClasses], any T ≥ 64 (each pooling floors T/8).
 *
 * @example
 * ```ts
 * const model = new EEGTCNet({ nChans: 22, nClasses: 4 });
 * model.eval().call(tf.zeros([1, 22, 1125])).shape; // [1, 4]
 * ```
 */
export class EEGTCNet extends Module {
  readonly nChans: number;
  readonly nClasses: number;
  readonly convTemporal: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly convSpatial: Conv2dWithConstraint;
  readonly bn2: BatchNorm2d;
  readonly pool1: AvgPool2d;
  readonly drop1: Dropout;
  readonly convSeparableDepth: Conv2d;
  readonly convSeparablePoint: Conv2d;
  readonly bn3: BatchNorm2d;
  readonly pool2: AvgPool2d;
  readonly drop2: Dropout;
  readonly tcn: TemporalConvNet;
  readonly classifier: LinearWithConstraint;

  constructor(opts: EEGTCNetOptions = {}) {
    super();
    const nChans = opts.nChans ?? 22;
    const nClasses = opts.nClasses ?? 4;
    const F1 = opts.F1 ?? 8;
    const F2 = F1 * (opts.D ?? 2);
    const KE = opts.KE ?? 32;
    const pe = opts.pe ?? 0.2;
    const L = opts.L ?? 2;
    const FT = opts.FT ?? 12;
    this.nChans = nChans;
    this.nClasses = nClasses;
    const bn = { eps: 1e-3, momentum: 0.01 };
    this.convTemporal = this.registerModule('conv_temporal', new Conv2d(1, F1, [1, KE], { padding: 'same', bias: false }));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(F1, bn));
    this.convSpatial = this.registerModule(
      'conv_spatial',
      new Conv2dWithConstraint(F1, F2, [nChans, 1], { groups: F1, bias: false, maxNorm: 1.0 }),
    );
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(F2, bn));
    this.pool1 = this.registerModule('pool1', new AvgPool2d([1, 8]));
    this.drop1 = this.registerModule('drop1', new Dropout(pe));
    this.convSeparableDepth = this.registerModule(
      'conv_separable_depth',
      new Conv2d(F2, F2, [1, 16], { padding: 'same', groups: F2, bias: false }),
    );
    this.convSeparablePoint = this.registerModule('conv_separable_point', new Conv2d(F2, F2, 1, { bias: false }));
    this.bn3 = this.registerModule('bn3', new BatchNorm2d(F2, bn));
    this.pool2 = this.registerModule('pool2', new AvgPool2d([1, 8]));
    this.drop2 = this.registerModule('drop2', new Dropout(pe));
    this.tcn = this.registerModule(
      'tcn',
      new TemporalConvNet(F2, Array.from({ length: L }, () => FT), { kernelSize: opts.KT ?? 4, dropout: opts.pt ?? 0.3 }),
    );
    this.classifier = this.registerModule('classifier', new LinearWithConstraint(FT, nClasses, { maxNorm: 0.25 }));
  }

  /** Smallest trial length the model accepts (two poolings of 8). */
  get minTimes(): number {
    return 64;
  }

  /** x: [B, nChans, T] → logits [B, nClasses]. */
  forward(x: Tensor): Tensor {
    checkEegInput(this.path(), x, this.nChans, this.minTimes);
    const [b, c, t] = x.shape as [number, number, number];
    let h = this.bn1.call(this.convTemporal.call(reshape(x, [b, 1, c, t])));
    h = this.drop1.call(this.pool1.call(elu(this.bn2.call(this.convSpatial.call(h)))));
    h = this.convSeparablePoint.call(this.convSeparableDepth.call(h));
    h = this.drop2.call(this.pool2.call(elu(this.bn3.call(h))));
    const [, f, , tt] = h.shape as [number, number, number, number];
    const seq = this.tcn.call(reshape(h, [b, f, tt]));
    const last = reshape(slice(seq, [0, 0, tt - 1], [b, seq.shape[1]!, 1]), [b, seq.shape[1]!]);
    return this.classifier.call(last);
  }
}
