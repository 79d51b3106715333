import { softmax, tensor3d, type Tensor } from '@tensorflow/tfjs-core';
import type { Module } from '@nnkit/nn';
import { EEGTCNet } from '../models/eegtcnet.js';
import { IncrementalRunner } from './incremental.js';
import { planFor } from './plan.js';
import { SampleBuffer, toChannelMajor, type StreamChunk } from './sample-buffer.js';
import { ArgumentError } from '@nnkit/tensor';

export type { StreamChunk } from './sample-buffer.js';

/** Options of {@link createStream}. */
export interface StreamOptions {
  /** Channels of every chunk; must equal the model's `nChans`. */
  channels: number;
  /** Samples per second (Hz), used for the output time stamps. */
  sampleRate: number;
  /** Samples per analysed window (EEGNet: its `nTimes`). */
  window: number;
  /**
   * Samples between two outputs. Must be a multiple of the model's total pooling factor
   * (EEG-TCNet 64, EEGNet 32, EEGInceptionTCN pool²): then the pooling cells of one window line
   * up with those of the next, so pooled activations can be reused.
   */
  hop: number;
  /** Called with every output, in order. */
  onOutput?: (out: StreamOutput) => void;
}

/** One output of a {@link EegStream}: the class probabilities of the window ending at `end`. */
export interface StreamOutput {
  /** 0 for the first full window, then +1 per hop. */
  index: number;
  /** Softmax of the model's logits, length nClasses. */
  probs: Float32Array;
  /** Most probable class. */
  label: number;
  /** Samples received when the window closed (the window is `[end − window, end)`). */
  end: number;
  /** `end / sampleRate`, in seconds since the first sample. */
  time: number;
}

/** A streaming classifier made by {@link createStream}. */
export interface EegStream {
  /**
   * Appends samples: a `Float32Array` of `channels × n` values, channel-major (`[c0 s0…s(n-1),
   * c1 …]`), or `number[][]` with one row per channel. Returns the outputs completed by this
   * chunk (zero, one or several) and passes each to `onOutput`.
   * @throws Error when the chunk has the wrong channel count, ragged rows or a non-finite value.
   */
  push(chunk: StreamChunk): StreamOutput[];
  /** Samples received so far. */
  readonly received: number;
  /** Forgets all samples and cached activations. */
  reset(): void;
  /** Frees the cached activations and the model's cached weight-derived tensors (`Module.cacheWeights`, on while the stream lives), restoring the model's caching setting. */
  dispose(): void;
}

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) throw new ArgumentError('createStream', `${name} must be a positive integer, got ${v}`);
}

/**
 * Streaming inference: feeds chunks of samples as they arrive and emits class probabilities
 * every `hop` samples once `window` samples are buffered. Each output equals
 * `softmax(model.call(lastWindow))` in eval mode (≤ 1e-5), but a hop only computes what changed:
 * the front end's activations away from the window's edges are cached and shifted; the
 * edge-affected positions ('same' zero padding at both ends) and the new hop are recomputed;
 * the causal TCN runs over the pooled window (its last receptive field when shorter).
 * EEG-TCNet runs each whole window through its fused eval plan instead, which is cheaper.
 * The model is switched to eval mode. Supports EEGTCNet, EEGInceptionTCN and EEGNet.
 *
 * @param model the trained model (`[1, channels, window]` → logits).
 * @throws Error when the model is not supported, `channels` differs from the model's, the window
 *   is too short (or, for EEGNet, differs from `nTimes`), or `hop` is not a multiple of the
 *   total pooling factor.
 * @example
 * ```ts
 * const model = new EEGTCNet({ nChans: 3, nClasses: 2 });
 * const stream = createStream(model, { channels: 3, sampleRate: 250, window: 1000, hop: 64,
 *   onOutput: (o) => console.log(o.time, o.probs) });
 * stream.push(chunk25); // Float32Array of 3 × 25 values, channel-major
 * stream.dispose();
 * ```
 */
export function createStream(model: Module, opts: StreamOptions): EegStream {
  const plan = planFor(model);
  const { channels, sampleRate, window, hop } = opts;
  positiveInt('channels', channels);
  positiveInt('window', window);
  positiveInt('hop', hop);
  if (!(sampleRate > 0 && Number.isFinite(sampleRate))) throw new ArgumentError('createStream', `sampleRate must be a positive number, got ${sampleRate}`);
  if (channels !== plan.nChans) {
    throw new ArgumentError('createStream', `the ${plan.model} was built for ${plan.nChans} channels, got channels = ${channels}`);
  }
  if (plan.fixedWindow !== undefined && window !== plan.fixedWindow) {
    throw new ArgumentError('createStream', `${plan.model} was built for trials of ${plan.fixedWindow} samples: window must be ${plan.fixedWindow}, got ${window}`);
  }
  if (window < plan.minWindow) {
    throw new ArgumentError('createStream', `${plan.model} needs windows of at least ${plan.minWindow} samples, got window = ${window}`);
  }
  if (hop % plan.totalPool !== 0) {
    const lo = Math.max(plan.totalPool, hop - (hop % plan.totalPool));
    throw new ArgumentError('createStream', `hop must be a multiple of ${plan.totalPool} (the ${plan.model}'s total pooling factor, so that pooled ` +
        `activations line up between windows), got ${hop}; try ${lo} or ${lo + plan.totalPool}`);
  }
  model.eval();
  // Weight-derived tensors (batch norms folded, filters in the kernels' layouts) are kept
  // between hops (the default, forced on here); freed and the setting restored on dispose.
  const cachedBefore = model.weightCaching;
  model.cacheWeights(true);
  // EEG-TCNet's eval plan runs a whole window in ~26 fused kernels, which costs less than an
  // incremental hop through the layers (3 × 1000, hop 64: 0.56–0.65 against 1.16–1.39 ms); the
  // incremental runner takes over for good if the plan stops applying (e.g. a hook is added).
  const whole = model instanceof EEGTCNet ? model : null;
  let runner: IncrementalRunner | null = whole ? null : new IncrementalRunner(plan, channels, window, hop);
  const buf = new SampleBuffer(channels);
  let nextEnd = window;
  let index = 0;
  const wholeWindow = (start: number): Tensor | null => {
    const x = tensor3d(buf.read(start, start + window - 1), [1, channels, window]);
    try {
      return whole!.evalPlanned(x);
    } finally {
      x.dispose();
    }
  };
  const emit = (): StreamOutput => {
    const start = nextEnd - window;
    let logits = whole && runner === null ? wholeWindow(start) : null;
    if (logits === null) {
      runner ??= new IncrementalRunner(plan, channels, window, hop);
      logits = runner.step((a, b) => buf.read(start + a, start + b));
    }
    const p = softmax(logits);
    const probs = p.dataSync() as Float32Array;
    logits.dispose();
    p.dispose();
    let label = 0;
    for (let k = 1; k < probs.length; k++) if (probs[k]! > probs[label]!) label = k;
    const out: StreamOutput = { index: index++, probs: Float32Array.from(probs), label, end: nextEnd, time: nextEnd / sampleRate };
    nextEnd += hop;
    buf.discardBefore(nextEnd - window);
    return out;
  };
  return {
    push(chunk: StreamChunk): StreamOutput[] {
      const data = toChannelMajor(chunk, channels, buf.received);
      const outs: StreamOutput[] = [];
      buf.append(data);
      while (buf.received >= nextEnd) {
        const o = emit();
        outs.push(o);
        opts.onOutput?.(o);
      }
      return outs;
    },
    get received(): number {
      return buf.received;
    },
    reset(): void {
      runner?.reset();
      buf.reset();
      nextEnd = window;
      index = 0;
    },
    dispose(): void {
      runner?.dispose();
      model.cacheWeights(false); // frees what the stream's calls cached
      if (cachedBefore) model.cacheWeights(true); // the setting as it was (on by default); nothing allocated
    },
  };
}
