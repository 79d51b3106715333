/**
 * `pnpm bci stream --model file.safetensors`: replays a recording chunk by chunk through
 * @nnkit/eeg's streaming API and prints the prediction of every hop and its latency.
 */
import { readFileSync } from 'node:fs';
import { createStream, type StreamOutput } from '@nnkit/eeg';
import { readSafetensors } from '@nnkit/nn';
import { FormatError, initBackend } from '@nnkit/tensor';
import { choiceFlag, intFlag, parseFlags, requirePath, runCommand, sharedData, UsageError, userPath } from '@nnkit/tooling-cli';
import { DATASETS, type DatasetName, loadSubject } from './datasets.js';
import { createModel, MODELS, type ModelName } from './models.js';

export const USAGE = `usage: pnpm bci stream --model FILE.safetensors [--subject N] [--trials N] [--chunk N] [--hop N]
                       [--data-dir DIR] [--backend wasm|cpu] [--quiet] [--json]

Replays the test recording of a subject (its trials back to back, z-scored with the training
statistics stored in the model file) in chunks of --chunk samples, as an amplifier would deliver
them, through createStream; prints every hop's prediction with the true class and the latency.
  --model      a model written by bci train (the data set, sizes and z-score are in its metadata)
  --subject    subject whose test sessions to replay (default: the model's)
  --trials     replay the first N test trials (default 10)
  --chunk      samples per chunk (default 25: 100 ms at 250 Hz)
  --hop        samples between predictions, a multiple of the model's pooling (default 64)
  --data-dir   the data folder (default ../shared/data/<dataset>)
  --backend    wasm (default) or cpu
  --quiet      no per-hop lines, only the summary
  --json       print the results as one JSON object on the last line
  --help       this text`;

const pctl = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : Number.NaN;
};

async function main(): Promise<void> {
  const { values: v } = parseFlags(process.argv.slice(2), {
    model: { type: 'string' },
    subject: { type: 'string' },
    trials: { type: 'string', default: '10' },
    chunk: { type: 'string', default: '25' },
    hop: { type: 'string', default: '64' },
    'data-dir': { type: 'string' },
    backend: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (v['help']) return void process.stdout.write(`${USAGE}\n`);
  if (v['model'] === undefined) throw new UsageError('--model FILE.safetensors is required (write one with pnpm bci train)');
  const trials = intFlag('trials', v['trials'], 1);
  const chunk = intFlag('chunk', v['chunk'], 1);
  const hop = intFlag('hop', v['hop'], 1);
  const backend = v['backend'] !== undefined ? choiceFlag('backend', v['backend'], ['wasm', 'cpu'] as const) : undefined;
  const file = userPath(String(v['model']));
  requirePath(file, 'model file');
  const json = v['json'] === true;
  const say = (line: string): void => void (json ? process.stderr : process.stdout).write(`${line}\n`);

  await initBackend(backend);
  const { tensors, metadata: m } = readSafetensors(readFileSync(file));
  const need = ['model', 'dataset', 'nChans', 'nClasses', 'nTimes', 'zscoreMean', 'zscoreStd'];
  const lacking = need.filter((k) => m[k] === undefined);
  if (lacking.length > 0) throw new FormatError('safetensors', file, `metadata lacks ${lacking.join(', ')}: not a model written by bci train`);
  const modelName = choiceFlag('model (in the file)', m['model'], MODELS) as ModelName;
  const dataset = choiceFlag('dataset (in the file)', m['dataset'], DATASETS) as DatasetName;
  const nChans = Number(m['nChans']);
  const nClasses = Number(m['nClasses']);
  const nTimes = Number(m['nTimes']);
  const subject = v['subject'] !== undefined ? intFlag('subject', v['subject'], 1, dataset === 'eegmmidb' ? 109 : 9) : Number(/-s(\d+)-/.exec(file)?.[1] ?? '1');
  const model = createModel(modelName, nChans, nClasses, nTimes);
  model.loadStateDict(tensors);
  for (const t of Object.values(tensors)) t.dispose();
  const mean = JSON.parse(m['zscoreMean']!) as number[];
  const std = JSON.parse(m['zscoreStd']!) as number[];

  const dataDir = v['data-dir'] !== undefined ? userPath(String(v['data-dir'])) : sharedData(dataset);
  const { test, sampleRate, classNames } = await loadSubject(dataset, subject, dataDir);
  const n = Math.min(trials, test.shape[0]);
  const [, c, t] = test.shape;
  // channel-major continuous signal [c, n*t], z-scored
  const total = n * t;
  const signal = new Float32Array(c * total);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const src = test.data.subarray((i * c + ch) * t, (i * c + ch + 1) * t);
      const dst = signal.subarray(ch * total + i * t, ch * total + (i + 1) * t);
      for (let k = 0; k < t; k++) dst[k] = (src[k]! - mean[ch]!) / std[ch]!;
    }
  }
  const stream = createStream(model, { channels: c, sampleRate, window: nTimes, hop });
  say(`bci stream: ${modelName} from ${file}; ${dataset} subject ${subject}, ${n} test trials (${(total / sampleRate).toFixed(1)} s) in chunks of ${chunk} samples, a prediction every ${hop} samples`);
  const rows: Array<{ time: number; label: number; truth: number; probs: number[]; latencyMs: number }> = [];
  const latencies: number[] = [];
  const buf = new Float32Array(c * chunk);
  for (let s = 0; s < total; s += chunk) {
    const len = Math.min(chunk, total - s);
    const piece = len === chunk ? buf : new Float32Array(c * len);
    for (let ch = 0; ch < c; ch++) piece.set(signal.subarray(ch * total + s, ch * total + s + len), ch * len);
    const t0 = performance.now();
    const outs: StreamOutput[] = stream.push(piece);
    const ms = performance.now() - t0;
    for (const o of outs) {
      latencies.push(ms / outs.length);
      // the trial holding most of the window
      const truth = test.labels[Math.min(n - 1, Math.floor((o.end - nTimes / 2) / t))]!;
      rows.push({ time: o.time, label: o.label, truth, probs: Array.from(o.probs), latencyMs: ms / outs.length });
      if (!v['quiet']) say(`t=${o.time.toFixed(2).padStart(7)} s  predicted ${classNames[o.label] ?? o.label}  (p ${Array.from(o.probs, (p) => p.toFixed(2)).join('/')})  true ${classNames[truth] ?? truth}  ${(ms / outs.length).toFixed(1)} ms`);
    }
  }
  stream.dispose();
  model.dispose();
  const agree = rows.filter((r) => r.label === r.truth).length / Math.max(1, rows.length);
  const summary = {
    model: file,
    dataset,
    subject,
    trials: n,
    hops: rows.length,
    agreement: agree,
    latencyMs: { mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length), p50: pctl(latencies, 0.5), p95: pctl(latencies, 0.95), max: Math.max(...latencies) },
    budgetMs: (1000 * hop) / sampleRate,
  };
  say(`${rows.length} predictions; agreement with the trial under the window ${(100 * agree).toFixed(1)} %`);
  say(`latency per hop: mean ${summary.latencyMs.mean.toFixed(1)} ms, p50 ${summary.latencyMs.p50.toFixed(1)} ms, p95 ${summary.latencyMs.p95.toFixed(1)} ms (a hop is ${summary.budgetMs.toFixed(0)} ms of signal)`);
  if (json) process.stdout.write(`${JSON.stringify({ ...summary, predictions: rows.map((r) => ({ time: r.time, label: r.label, truth: r.truth, probs: r.probs })) })}\n`);
}

runCommand('bci stream', USAGE, main);
