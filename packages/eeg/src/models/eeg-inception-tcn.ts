import { elu, type Tensor } from '@tensorflow/tfjs-core';
import { AvgPool2d, BatchNorm2d, Dropout, LinearWithConstraint } from '@nnkit/nn';
import { TemporalConvNet } from '../blocks/temporal-conv-net.js';
import { checkEegInput } from './check-input.js';
import { EEGNetFrontEnd, lastStep, squeezeHeight } from './eegnet-front-end.js';
import { TemporalInception } from './temporal-inception.js';
import { ArgumentError } from '@nnkit/tensor';

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
export class EEGInceptionTCN extends EEGNetFrontEnd {
  /** Factor of both average poolings. */
  readonly pool: number;
  readonly inception: TemporalInception;
  readonly bn3: BatchNorm2d;
  readonly pool2: AvgPool2d;
  readonly drop2: Dropout;
  readonly tcn: TemporalConvNet;
  readonly classifier: LinearWithConstraint;

  constructor(opts: EEGInceptionTCNOptions = {}) {
    const F1 = opts.F1 ?? 32;
    const D = opts.D ?? 2;
    const F2 = F1 * D;
    const pool = opts.pool ?? 8;
    if (F2 % 4 !== 0) throw new ArgumentError('EEGInceptionTCN', `F1·D (${F2}) must be a multiple of 4 (four inception branches)`);
    super({
      nChans: opts.nChans ?? 22,
      nClasses: opts.nClasses ?? 4,
      F1,
      D,
      kernLength: opts.kernLength ?? 32,
      pool,
      dropout: opts.dropoutDep ?? 0.5,
    });
    const k = opts.kernInception ?? 4;
    const tcnFilters = opts.tcnFilters ?? 64;
    this.pool = pool;
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
    this.classifier = this.registerModule('classifier', new LinearWithConstraint(tcnFilters, this.nClasses, { maxNorm: 0.25 }));
  }

  /** Smallest trial length the model accepts (two poolings by `pool`). */
  get minTimes(): number {
    return this.pool * this.pool;
  }

  /** x: [B, nChans, T] → logits [B, nClasses]. */
  forward(x: Tensor): Tensor {
    checkEegInput(this.path(), x, this.nChans, this.minTimes);
    const h = this.drop2.call(this.pool2.call(elu(this.bn3.call(this.inception.call(this.frontEnd(x))))));
    return this.classifier.call(lastStep(this.tcn.call(squeezeHeight(h))));
  }
}
