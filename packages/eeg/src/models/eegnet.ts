import { elu, reshape, type Tensor } from '@tensorflow/tfjs-core';
import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  Conv2dWithConstraint,
  Dropout,
  LinearWithConstraint,
  Module,
} from '@nnkit/nn';
import { checkEegInput } from './check-input.js';

/** Options of {@link EEGNet} (reference `n_chans` → `nChans`, …). */
export interface EEGNetOptions {
  /** EEG channels of the input. */
  nChans: number;
  /** Output classes (logits). */
  nClasses: number;
  /** Samples per trial; the classifier's size depends on it (`F2 · ⌊nTimes/32⌋`). */
  nTimes: number;
  /** Temporal filters. Default 8. */
  F1?: number;
  /** Spatial filters per temporal filter. Default 2. */
  D?: number;
  /** Pointwise filters. Default 16. */
  F2?: number;
  /** Temporal kernel length. Default 64. */
  kernLength?: number;
  /** Dropout rate. Default 0.5. */
  dropout?: number;
}

/**
 * EEGNet v4 (Lawhern et al. 2018), as `shared/reference/eeg.py`: temporal conv →
 * depthwise spatial conv (max-norm 1) → avg-pool 4 → separable conv → avg-pool 8 →
 * max-norm (0.25) linear classifier. Batch norm eps 1e-3, momentum 0.01 (Keras defaults).
 *
 * x: [B, nChans, nTimes] → logits [B, nClasses]. Needs nTimes ≥ 32.
 *
 * @example
 * ```ts
 * const model = new EEGNet({ nChans: 22, nClasses: 4, nTimes: 1125 });
 * model.eval().call(tf.zeros([1, 22, 1125])).shape; // [1, 4]
 * ```
 */
export class EEGNet extends Module {
  readonly nChans: number;
  readonly nClasses: number;
  readonly nTimes: number;
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
  readonly classifier: LinearWithConstraint;

  constructor(opts: EEGNetOptions) {
    super();
    const { nChans, nClasses, nTimes } = opts;
    const F1 = opts.F1 ?? 8;
    const D = opts.D ?? 2;
    const F2 = opts.F2 ?? 16;
    const kern = opts.kernLength ?? 64;
    const p = opts.dropout ?? 0.5;
    if (!(nTimes >= 32)) throw new Error(`EEGNet: nTimes must be at least 32 (two poolings of 4 and 8), got ${nTimes}`);
    this.nChans = nChans;
    this.nClasses = nClasses;
    this.nTimes = nTimes;
    const bn = { eps: 1e-3, momentum: 0.01 };
    this.convTemporal = this.registerModule('conv_temporal', new Conv2d(1, F1, [1, kern], { padding: 'same', bias: false }));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(F1, bn));
    this.convSpatial = this.registerModule(
      'conv_spatial',
      new Conv2dWithConstraint(F1, F1 * D, [nChans, 1], { groups: F1, bias: false, maxNorm: 1.0 }),
    );
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(F1 * D, bn));
    this.pool1 = this.registerModule('pool1', new AvgPool2d([1, 4]));
    this.drop1 = this.registerModule('drop1', new Dropout(p));
    this.convSeparableDepth = this.registerModule(
      'conv_separable_depth',
      new Conv2d(F1 * D, F1 * D, [1, 16], { padding: 'same', groups: F1 * D, bias: false }),
    );
    this.convSeparablePoint = this.registerModule('conv_separable_point', new Conv2d(F1 * D, F2, 1, { bias: false }));
    this.bn3 = this.registerModule('bn3', new BatchNorm2d(F2, bn));
    this.pool2 = this.registerModule('pool2', new AvgPool2d([1, 8]));
    this.drop2 = this.registerModule('drop2', new Dropout(p));
    this.classifier = this.registerModule(
      'classifier',
      new LinearWithConstraint(F2 * Math.floor(nTimes / 32), nClasses, { maxNorm: 0.25 }),
    );
  }

  /** Feature maps before the classifier: x: [B, nChans, T] → [B, F2, 1, ⌊T/32⌋]. */
  features(x: Tensor): Tensor {
    const [b, c, t] = x.shape as [number, number, number];
    let h = this.bn1.call(this.convTemporal.call(reshape(x, [b, 1, c, t])));
    h = this.drop1.call(this.pool1.call(elu(this.bn2.call(this.convSpatial.call(h)))));
    h = this.convSeparablePoint.call(this.convSeparableDepth.call(h));
    return this.drop2.call(this.pool2.call(elu(this.bn3.call(h))));
  }

  /** x: [B, nChans, nTimes] → logits [B, nClasses]. */
  forward(x: Tensor): Tensor {
    checkEegInput(this.path(), x, this.nChans, 32, this.nTimes);
    const f = this.features(x);
    return this.classifier.call(reshape(f, [f.shape[0]!, -1]));
  }
}
