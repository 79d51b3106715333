import type { Tensor } from '@tensorflow/tfjs-core';
import { LinearWithConstraint, WeightCache } from '@nnkit/nn';
import { tcnEvalPlan, type TcnPlanLayers, type TcnPlanWeights } from '../fused/tcn-eval-plan.js';
import type { TemporalBlock } from '../blocks/temporal-block.js';
import { TemporalConvNet } from '../blocks/temporal-conv-net.js';
import { checkEegInput } from './check-input.js';
import { EEGNetFeatures, KERAS_BN, lastStep, squeezeHeight } from './eegnet-front-end.js';

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
export class EEGTCNet extends EEGNetFeatures {
  readonly tcn: TemporalConvNet;
  readonly classifier: LinearWithConstraint;

  constructor(opts: EEGTCNetOptions = {}) {
    const F1 = opts.F1 ?? 8;
    const D = opts.D ?? 2;
    const pe = opts.pe ?? 0.2;
    const FT = opts.FT ?? 12;
    super({
      nChans: opts.nChans ?? 22,
      nClasses: opts.nClasses ?? 4,
      F1,
      D,
      F2: F1 * D,
      kernLength: opts.KE ?? 32,
      pool: 8,
      dropout: pe,
      dropout2: pe,
      bn: KERAS_BN,
    });
    this.tcn = this.registerModule(
      'tcn',
      new TemporalConvNet(F1 * D, Array.from({ length: opts.L ?? 2 }, () => FT), { kernelSize: opts.KT ?? 4, dropout: opts.pt ?? 0.3 }),
    );
    this.classifier = this.registerModule('classifier', new LinearWithConstraint(FT, this.nClasses, { maxNorm: 0.25 }));
  }

  /** Smallest trial length the model accepts (two poolings of 8). */
  get minTimes(): number {
    return 64;
  }

  private readonly planCache = new WeightCache<TcnPlanWeights>();
  private planLayers: TcnPlanLayers | undefined;

  protected override clearWeightCache(): void {
    super.clearWeightCache();
    this.planCache.clear();
  }

  /**
   * The eval plan's logits for x `[B, nChans, T]` → `[B, nClasses]`, or null where the plan does
   * not apply (training, hooks on a sub-module, a gradient tape, weight caching off, other layer
   * options): in eval mode, the whole network channels-last with batch norms folded (see
   * `tcnEvalPlan`), the same logits as the layers. `createStream` runs each window through it
   * (cheaper than an incremental hop). Package-private.
   * @internal
   */
  evalPlanned(x: Tensor): Tensor | null {
    this.planLayers ??= { ...this.frontLayers(), pool2: this.pool2, convSeparableDepth: this.convSeparableDepth, convSeparablePoint: this.convSeparablePoint, bn3: this.bn3, blocks: [...this.tcn.network.children()] as TemporalBlock[], classifier: this.classifier };
    return tcnEvalPlan(this, this.planLayers, this.planCache, x);
  }

  /** x: [B, nChans, T] → logits [B, nClasses]. */
  forward(x: Tensor): Tensor {
    checkEegInput(this.path(), x, this.nChans, this.minTimes);
    const planned = this.evalPlanned(x);
    if (planned) return planned;
    return this.classifier.call(lastStep(this.tcn.call(squeezeHeight(this.features(x)))));
  }
}
