import { reshape, type Tensor } from '@tensorflow/tfjs-core';
import { LinearWithConstraint } from '@nnkit/nn';
import { checkEegInput } from './check-input.js';
import { EEGNetFeatures, KERAS_BN } from './eegnet-front-end.js';
import { ArgumentError } from '@nnkit/tensor';

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
export class EEGNet extends EEGNetFeatures {
  readonly nTimes: number;
  readonly classifier: LinearWithConstraint;

  constructor(opts: EEGNetOptions) {
    const { nChans, nClasses, nTimes } = opts;
    if (!(nTimes >= 32)) throw new ArgumentError('EEGNet', `nTimes must be at least 32 (two poolings of 4 and 8), got ${nTimes}`);
    const F1 = opts.F1 ?? 8;
    const F2 = opts.F2 ?? 16;
    const p = opts.dropout ?? 0.5;
    super({ nChans, nClasses, F1, D: opts.D ?? 2, F2, kernLength: opts.kernLength ?? 64, pool: 4, dropout: p, dropout2: p, bn: KERAS_BN });
    this.nTimes = nTimes;
    this.classifier = this.registerModule(
      'classifier',
      new LinearWithConstraint(F2 * Math.floor(nTimes / 32), nClasses, { maxNorm: 0.25 }),
    );
  }

  /** x: [B, nChans, nTimes] → logits [B, nClasses]. */
  forward(x: Tensor): Tensor {
    checkEegInput(this.path(), x, this.nChans, 32, this.nTimes);
    const f = this.features(x);
    // Explicit size: tfjs cannot infer -1 for an empty batch.
    return this.classifier.call(reshape(f, [f.shape[0]!, f.shape.slice(1).reduce((a, b) => a * b, 1)]));
  }
}
