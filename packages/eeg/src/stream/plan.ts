import { elu, reshape, slice, type Tensor } from '@tensorflow/tfjs-core';
import type { Module } from '@nnkit/nn';
import { EEGInceptionTCN } from '../models/eeg-inception-tcn.js';
import { EEGNet } from '../models/eegnet.js';
import { EEGTCNet } from '../models/eegtcnet.js';
import { NotSupportedError } from '@nnkit/tensor';

/**
 * One stage of a streaming plan. Every stage maps `[1, F, H, n]` to `[1, F', 1, m]` along the
 * time axis (axis 3):
 * - `local`: stride-1 ops with 'same' alignment (output i ↔ input i) whose output i reads
 *   inputs `i − left … i + right`, padded at the window edges as in the full forward;
 * - `pool`: non-overlapping pooling by `factor` (output i reads inputs `factor·i … factor·i + factor − 1`).
 * Package-private (not exported from the package entry).
 */
export type StreamStage =
  | { kind: 'local'; left: number; right: number; fn: (x: Tensor) => Tensor }
  | { kind: 'pool'; factor: number; fn: (x: Tensor) => Tensor };

/**
 * How a model is run incrementally: its time-local front end as stages, then a head that maps
 * the last stage's window `[1, F, 1, T]` to logits `[1, nClasses]`.
 * Package-private (not exported from the package entry).
 */
export interface StreamPlan {
  model: string;
  nChans: number;
  nClasses: number;
  stages: StreamStage[];
  head: (features: Tensor) => Tensor;
  /** Product of the pooling factors: the hop must be a multiple of it. */
  totalPool: number;
  /** Smallest window the model accepts. */
  minWindow: number;
  /** Window the model requires (EEGNet: its `nTimes`), if fixed. */
  fixedWindow?: number;
}

/** How far a stride-1 conv layer reads left and right along time: its time padding, resolved by the layer at construction. */
function timeHalo(m: { resolvedPadding: ReadonlyArray<readonly [number, number]> }): { left: number; right: number } {
  const [left, right] = m.resolvedPadding[m.resolvedPadding.length - 1]!;
  return { left, right };
}

/** TCN + last step + classifier; the TCN only runs over the last `rf` pooled steps (exact, causal). */
function tcnHead(m: EEGTCNet | EEGInceptionTCN): (f: Tensor) => Tensor {
  return (f) => {
    const [, c, , t] = f.shape as [number, number, number, number];
    const k = Math.min(t, m.tcn.receptiveField);
    const seq = m.tcn.call(reshape(slice(f, [0, 0, 0, t - k], [1, c, 1, k]), [1, c, k]));
    const o = seq.shape[1]!;
    return m.classifier.call(reshape(slice(seq, [0, 0, k - 1], [1, o, 1]), [1, o]));
  };
}

/**
 * Streaming plan of a supported model (EEGTCNet, EEGInceptionTCN, EEGNet), built on the
 * model's own sub-modules so that streamed outputs follow the exact code path of `forward`.
 * @throws Error for any other module.
 * Package-private (not exported from the package entry).
 */
export function planFor(model: Module): StreamPlan {
  if (model instanceof EEGTCNet || model instanceof EEGNet) {
    const m = model;
    const p1 = model.pool1Factor;
    const stages: StreamStage[] = [
      {
        kind: 'local',
        ...timeHalo(m.convTemporal),
        fn: (x) => elu(m.bn2.call(m.temporalSpatial(x))),
      },
      { kind: 'pool', factor: p1, fn: (x) => m.pool1.call(x) },
      {
        kind: 'local',
        ...timeHalo(m.convSeparableDepth),
        fn: (x) => elu(m.bn3.call(m.convSeparablePoint.call(m.convSeparableDepth.call(x)))),
      },
      { kind: 'pool', factor: 8, fn: (x) => m.pool2.call(x) },
    ];
    if (model instanceof EEGNet) {
      const net = model;
      return {
        model: 'EEGNet',
        nChans: net.nChans,
        nClasses: net.nClasses,
        stages,
        head: (f) => net.classifier.call(reshape(f, [1, -1])),
        totalPool: 32,
        minWindow: net.nTimes,
        fixedWindow: net.nTimes,
      };
    }
    return { model: 'EEGTCNet', nChans: model.nChans, nClasses: model.nClasses, stages, head: tcnHead(model), totalPool: 64, minWindow: model.minTimes };
  }
  if (model instanceof EEGInceptionTCN) {
    const m = model;
    const inc = m.inception;
    const halos = [inc.conv1, inc.conv2, inc.conv3].map(timeHalo);
    const pad = inc.pool4.opts.padding;
    const poolPad = typeof pad === 'number' ? pad : Array.isArray(pad) ? (pad[pad.length - 1] as number) : 0;
    const left = Math.max(poolPad, ...halos.map((h) => h.left));
    const right = Math.max(poolPad, ...halos.map((h) => h.right));
    const stages: StreamStage[] = [
      {
        kind: 'local',
        ...timeHalo(m.convTemporal),
        fn: (x) => elu(m.bn2.call(m.temporalSpatial(x))),
      },
      { kind: 'pool', factor: m.pool, fn: (x) => m.pool1.call(x) },
      { kind: 'local', left, right, fn: (x) => elu(m.bn3.call(inc.call(x))) },
      { kind: 'pool', factor: m.pool, fn: (x) => m.pool2.call(x) },
    ];
    return {
      model: 'EEGInceptionTCN',
      nChans: m.nChans,
      nClasses: m.nClasses,
      stages,
      head: tcnHead(m),
      totalPool: m.pool * m.pool,
      minWindow: m.minTimes,
    };
  }
  const name = (model as { constructor: { name: string } }).constructor.name;
  throw new NotSupportedError('createStream',
      `${name} is not supported; streaming needs a model made of a time-local front end and a causal head (EEGTCNet, EEGInceptionTCN or EEGNet)`,
    );
}
