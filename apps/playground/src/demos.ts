/**
 * The playground's digits and EEG demos: data generated at build time into `data/` (see
 * scripts/make-data.ts), models from @nnkit/vision and @nnkit/eeg, all on the page's backend.
 */
import { createStream, EEGTCNet, trainWithinSubject, type StreamOutput, type TrialArrays } from '@nnkit/eeg';
import { parseDigitsCsv, trainDigits, type DigitsResult } from '@nnkit/vision';

const base = import.meta.env.BASE_URL;

async function fetchOk(name: string): Promise<Response> {
  const r = await fetch(`${base}data/${name}`);
  if (!r.ok) throw new Error(`data/${name} is missing from this build (${r.status}): build the playground where ../shared/data exists`);
  return r;
}

/** Fetches and parses the 8×8 digits. */
export async function loadDigits(): Promise<ReturnType<typeof parseDigitsCsv>> {
  return parseDigitsCsv(await (await fetchOk('digits.csv')).text(), 'data/digits.csv');
}

/** Trains LeNet on the digits for `epochs`. */
export async function runDigits(epochs: number, onEpoch: (epoch: number, loss: number) => void): Promise<DigitsResult & { seconds: number }> {
  const data = await loadDigits();
  const t0 = performance.now();
  const r = await trainDigits(data, { model: 'lenet', epochs, onEpoch });
  return { ...r, seconds: (performance.now() - t0) / 1000 };
}

/** The BCI IV 2b excerpt: training and test trials. */
export interface EegExcerpt {
  train: TrialArrays;
  test: TrialArrays;
  sampleRate: number;
  classNames: string[];
}

/** Fetches the excerpt written by scripts/make-data.ts. */
export async function loadEegExcerpt(): Promise<EegExcerpt> {
  const meta = (await (await fetchOk('eeg-2b-s4.json')).json()) as { shape: [number, number, number]; nTrain: number; labels: number[]; sampleRate: number; classNames: string[] };
  const all = new Float32Array(await (await fetchOk('eeg-2b-s4.bin')).arrayBuffer());
  const [n, c, t] = meta.shape;
  const k = meta.nTrain;
  const part = (from: number, to: number): TrialArrays => ({ data: all.subarray(from * c * t, to * c * t), shape: [to - from, c, t], labels: Int32Array.from(meta.labels.slice(from, to)) });
  return { train: part(0, k), test: part(k, n), sampleRate: meta.sampleRate, classNames: meta.classNames };
}

/** One streamed output with the class of the trial under the window. */
export interface LiveOutput extends StreamOutput {
  truth: number;
  latencyMs: number;
}

/**
 * Trains EEG-TCNet on the excerpt's training trials for `epochs`, then replays its test trials
 * back to back in chunks of 25 samples through `createStream` (window 1000, hop 64), calling
 * `onOutput` for every prediction and yielding to the page between chunks.
 */
export async function trainAndStream(
  epochs: number,
  onEpoch: (epoch: number, loss: number) => void,
  onOutput: (o: LiveOutput) => Promise<void> | void,
): Promise<{ trainSeconds: number; outputs: number; agreement: number; meanLatencyMs: number }> {
  const ex = await loadEegExcerpt();
  const t0 = performance.now();
  const r = await trainWithinSubject({ createModel: () => new EEGTCNet({ nChans: 3, nClasses: 2 }), train: ex.train, test: ex.test, epochs, seed: 4, onEpoch: (e) => onEpoch(e.epoch, e.loss) });
  const trainSeconds = (performance.now() - t0) / 1000;
  const [n, c, t] = ex.test.shape;
  const total = n * t;
  const signal = new Float32Array(c * total); // channel-major, z-scored with the training statistics
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      for (let s = 0; s < t; s++) signal[ch * total + i * t + s] = (ex.test.data[(i * c + ch) * t + s]! - r.zscore.mean[ch]!) / r.zscore.std[ch]!;
    }
  }
  const stream = createStream(r.model, { channels: c, sampleRate: ex.sampleRate, window: t, hop: 64 });
  const chunk = 25;
  let outputs = 0;
  let agree = 0;
  let latency = 0;
  try {
    for (let s = 0; s < total; s += chunk) {
      const len = Math.min(chunk, total - s);
      const piece = new Float32Array(c * len);
      for (let ch = 0; ch < c; ch++) piece.set(signal.subarray(ch * total + s, ch * total + s + len), ch * len);
      const p0 = performance.now();
      const outs = stream.push(piece);
      const ms = performance.now() - p0;
      for (const o of outs) {
        const truth = ex.test.labels[Math.min(n - 1, Math.floor((o.end - t / 2) / t))]!;
        outputs++;
        latency += ms / outs.length;
        if (o.label === truth) agree++;
        await onOutput({ ...o, truth, latencyMs: ms / outs.length });
      }
    }
  } finally {
    stream.dispose();
    r.model.dispose();
  }
  return { trainSeconds, outputs, agreement: agree / Math.max(1, outputs), meanLatencyMs: latency / Math.max(1, outputs) };
}
