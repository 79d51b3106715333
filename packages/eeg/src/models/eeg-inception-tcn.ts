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
import { TemporalInception } from './temporal-inception.js';

/** Options of {@link EEGInceptionTCN} (reference keyword names in camelCase). */
export interface EEGInceptionTCNOptions {
  nChans?: number;
  nClasses?: number;
  /** Temporal filters. Default 32. */
  F1?: number;
  /** Depth multiplier. Default 2. */
  D?: number;
  /** Temporal kernel length. Default 32. */
  kernLength?: number;
  /** Both average-pooling factors. Default 8. */
  pool?: number;
  /** Smallest inception kernel (branches use 4k, 2k, k). Default 4. */
  kernInception?: number;
  /** Dropout after the depthwise block. Default 0.5. */
  dropoutDep?: number;
  /** Dropout after the inception block. Default 0.5. */
  dropoutTemp?: number;
  /** TCN filters (two blocks). Default 64. */
  tcnFilters?: number;
  /** TCN kernel size. Default 4. */
  tcnKernel?: number;
  /** TCN dropout. Default 0.3. */
  tcnDropout?: number;
}

/**
 * The inception + TCN model of the EEG-TCNet article's code: temporal conv → depthwise
 * spatial conv (max-norm 1) → avg-pool → {@link TemporalInception} → avg-pool → a two-block
 * TCN (no bias, max-norm 0.5) → last time step → max-norm (0.25) linear classifier. Batch norm
 * uses PyTorch's defaults here (eps 1e-5, momentum 0.1), as in the reference.
 *
 * x: [B, nChans, T] → logits [B, nClasses], any T ≥ pool².
 *
 * @example
 * ```ts
 * const model = new EEGInceptionTCN({ nChans: 22, nClasses: 4 });
 * model.eval().call(tf.zeros([1, 22, 1125])).shape; // [1, 4]
 * ```
 */
export class EEGInceptionTCN extends Module {
  readonly nChans: number;
  readonly nClasses: number;
  readonly pool: number;
  readonly convTemporal: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly convSpatial: Conv2dWithConstraint;
  readonly bn2: BatchNorm2d;
  readonly pool1: AvgPool2d;
  readonly drop1: Dropout;
  readonly inception: TemporalInception;
  readonly bn3: BatchNorm2d;
  readonly pool2: AvgPool2d;
  readonly drop2: Dropout;
  readonly tcn: TemporalConvNet;
  readonly classifier: LinearWithConstraint;

  constructor(opts: EEGInceptionTCNOptions = {}) {
    super();
    const nChans = opts.nChans ?? 22;
    const nClasses = opts.nClasses ?? 4;
    const F1 = opts.F1 ?? 32;
    const F2 = F1 * (opts.D ?? 2);
    const pool = opts.pool ?? 8;
    const k = opts.kernInception ?? 4;
    const tcnFilters = opts.tcnFilters ?? 64;
    if (F2 % 4 !== 0) throw new Error(`EEGInceptionTCN: F1·D (${F2}) must be a multiple of 4 (four inception branches)`);
    this.nChans = nChans;
    this.nClasses = nClasses;
    this.pool = pool;
    this.convTemporal = this.registerModule(
      'conv_temporal',
      new Conv2d(1, F1, [1, opts.kernLength ?? 32], { padding: 'same', bias: false }),
    );
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(F1));
    this.convSpatial = this.registerModule(
      'conv_spatial',
      new Conv2dWithConstraint(F1, F2, [nChans, 1], { groups: F1, bias: false, maxNorm: 1.0 }),
    );
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(F2));
    this.pool1 = this.registerModule('pool1', new AvgPool2d([1, pool]));
    this.drop1 = this.registerModule('drop1', new Dropout(opts.dropoutDep ?? 0.5));
    this.inception = this.registerModule('inception', new TemporalInception(F2, F2 / 4, { kernels: [k * 4, k * 2, k] }));
    this.bn3 = this.registerModule('bn3', new BatchNorm2d(F2));
    this.pool2 = this.registerModule('pool2', new AvgPool2d([1, pool]));
    this.drop2 = this.registerModule('drop2', new Dropout(opts.dropoutTemp ?? 0.5));
    this.tcn = this.registerModule(
      'tcn',
      new TemporalConvNet(F2, [tcnFilters, tcnFilters], {
        kernelSize: opts.tcnKernel ?? 4,
        dropout: opts.tcnDropout ?? 0.3,
        bias: false,
        maxNorm: 0.5,
      }),
    );
    this.classifier = this.registerModule('classifier', new LinearWithConstraint(tcnFilters, nClasses, { maxNorm: 0.25 }));
  }

  /** Smallest trial length the model accepts (two poolings by `pool`). */
  get minTimes(): number {
    return this.pool * this.pool;
  }

  /** x: [B, nChans, T] → logits [B, nClasses]. */
  forward(x: Tensor): Tensor {
    checkEegInput(this.path(), x, this.nChans, this.minTimes);
    const [b, c, t] = x.shape as [number, number, number];
    let h = this.bn1.call(this.convTemporal.call(reshape(x, [b, 1, c, t])));
    h = this.drop1.call(this.pool1.call(elu(this.bn2.call(this.convSpatial.call(h)))));
    h = this.drop2.call(this.pool2.call(elu(this.bn3.call(this.inception.call(h)))));
    const [, f, , tt] = h.shape as [number, number, number, number];
    const seq = this.tcn.call(reshape(h, [b, f, tt]));
    const last = reshape(slice(seq, [0, 0, tt - 1], [b, seq.shape[1]!, 1]), [b, seq.shape[1]!]);
    return this.classifier.call(last);
  }
}
