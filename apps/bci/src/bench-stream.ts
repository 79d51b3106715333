/**
 * Streaming latency: median time of one hop of `createStream` (push of `hop` new samples →
 * probabilities) against a full-window forward (`softmax(model.call(window))`), same run.
 *   node --conditions=@nnkit/source --import tsx src/bench-stream.ts [--reps 200]
 */
import { parseArgs } from 'node:util';
import { initBackend } from '@nnkit/tensor';
import { createStream, EEGInceptionTCN, EEGNet, EEGTCNet } from '@nnkit/eeg';
import type { Module } from '@nnkit/nn';
import { softmax, type Tensor, tensor3d, tidy } from '@tensorflow/tfjs-core';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '200' } } });
const reps = Number(values.reps);
const backend = await initBackend();

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function bench(name: string, model: Module & { call(x: Tensor): Tensor }, channels: number, window: number, hop: number): void {
  model.eval();
  const total = window + hop * (reps + 20);
  const sig = Float32Array.from({ length: channels * total }, (_, i) => Math.sin(i / 13) + Math.cos(i / 7.3));
  const chunk = (a: number, n: number): Float32Array => {
    const out = new Float32Array(channels * n);
    for (let c = 0; c < channels; c++) out.set(sig.subarray(c * total + a, c * total + a + n), c * n);
    return out;
  };
  const stream = createStream(model, { channels, sampleRate: 250, window, hop });
  stream.push(chunk(0, window));
  // Interleaved: one hop, then a full forward over the same window, so both see the same load.
  const hops: number[] = [];
  const full: number[] = [];
  for (let k = 0; k < reps + 20; k++) {
    const c = chunk(window + k * hop, hop);
    const t0 = performance.now();
    stream.push(c);
    const t1 = performance.now();
    const x = chunk((k + 1) * hop, window);
    const t2 = performance.now();
    tidy(() => softmax(model.call(tensor3d(x, [1, channels, window]))).dataSync());
    const t3 = performance.now();
    if (k >= 20) {
      hops.push(t1 - t0);
      full.push(t3 - t2);
    }
  }
  stream.dispose();
  const h = median(hops);
  const f = median(full);
  console.log(`| ${name} | ${channels} × ${window} | ${hop} | ${h.toFixed(2)} ms | ${f.toFixed(2)} ms | ${(f / h).toFixed(1)}× |`);
  model.dispose();
}

console.log(`backend ${backend}, median of ${reps} hops (Node ${process.version})`);
console.log('| model | window | hop | per hop (stream) | full-window forward | speed-up |');
console.log('| --- | --- | --- | --- | --- | --- |');
bench('EEG-TCNet', new EEGTCNet({ nChans: 3, nClasses: 2 }), 3, 1000, 64);
bench('EEG-TCNet', new EEGTCNet({ nChans: 22, nClasses: 4 }), 22, 1125, 64);
bench('EEG-TCNet', new EEGTCNet({ nChans: 3, nClasses: 2 }), 3, 2000, 128);
bench('EEGInceptionTCN', new EEGInceptionTCN({ nChans: 22, nClasses: 4 }), 22, 1125, 64);
bench('EEGNet', new EEGNet({ nChans: 22, nClasses: 4, nTimes: 1125 }), 22, 1125, 32);
