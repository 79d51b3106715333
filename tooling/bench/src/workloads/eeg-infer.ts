// Group eeg-infer: EEG-TCNet inference (one trial, default and without the weight cache; batch
// 288, a 2b session's trials) and the batch-64 forward in train mode; tfjs-layers one-trial peer.
import { EEGTCNet } from '@nnkit/eeg';
import { randomNormal, reshape, tidy, type Tensor } from '@tensorflow/tfjs-core';
import type { GroupContext } from '../group-main.js';
import { measure, rest } from '../harness.js';
import { forwardMacs, gemmMs } from '../measure.js';
import type { Row } from '../row.js';
import { buildLayersEEGTCNet } from '../tfjs-layers-eegtcnet.js';

/**
 * Warm-up calls before a one-trial measurement: a call is ~1 ms of JavaScript dispatch, which V8
 * optimises over the first hundred or so calls (5 warm-up calls measured ~2 ms per call, 200 calls
 * ~0.8 ms, the steady state a streaming app runs at).
 */
const B1_WARMUP = 200;

export async function run({ runs, ids, log }: GroupContext): Promise<Row[]> {
  const rows: Row[] = [];
  const model = new EEGTCNet({ nChans: 22, nClasses: 4 }).eval();
  const x1 = randomNormal([1, 22, 1000]);
  const infer1 = (): void => {
    const y = model.call(x1);
    y.dataSync();
    y.dispose();
  };
  let layersMs: number | undefined;
  if (ids.has('eegtcnet-infer-b1') || ids.has('eegtcnet-infer-b1-uncached')) {
    const layers = buildLayersEEGTCNet();
    const xl = reshape(x1, [1, 22, 1000, 1]);
    layersMs = (await measure(() => tidy(() => void (layers.predict(xl) as Tensor).dataSync()), runs * 10, B1_WARMUP)).ms;
    xl.dispose();
    layers.dispose();
  }
  if (ids.has('eegtcnet-infer-b1')) {
    log('one-trial inference, default settings');
    const m = await measure(infer1, runs * 10, B1_WARMUP);
    rows.push({ id: 'eeg-infer/eegtcnet-infer-b1', workload: 'EEG-TCNet inference, 1 trial (22 × 1000), default settings', nnkit: m.ms, tfjsLayers: layersMs, ...rest(m) });
  }
  if (ids.has('eegtcnet-infer-b1-uncached')) {
    log('one-trial inference, cacheWeights(false)');
    model.cacheWeights(false);
    const m = await measure(infer1, runs * 10, B1_WARMUP);
    model.cacheWeights(true);
    rows.push({ id: 'eeg-infer/eegtcnet-infer-b1-uncached', workload: 'EEG-TCNet inference, 1 trial, cacheWeights(false)', nnkit: m.ms, tfjsLayers: layersMs, ...rest(m) });
  }
  if (ids.has('eegtcnet-infer-b288')) {
    log('batch-288 inference');
    const x = randomNormal([288, 22, 1000]);
    const m = await measure(() => tidy(() => void model.call(x).dataSync()), runs, 1);
    const counter = new EEGTCNet({ nChans: 22, nClasses: 4 }).eval();
    const gemm = await gemmMs(288 * forwardMacs(counter, x1), runs);
    counter.dispose();
    x.dispose();
    rows.push({ id: 'eeg-infer/eegtcnet-infer-b288', workload: 'EEG-TCNet inference, batch 288', nnkit: m.ms, gemm, ...rest(m) });
  }
  if (ids.has('eegtcnet-forward-b64')) {
    log('batch-64 forward, train mode');
    const x = randomNormal([64, 22, 1000]);
    model.train();
    const m = await measure(() => tidy(() => void model.call(x).dataSync()), runs, 1);
    model.eval();
    x.dispose();
    rows.push({ id: 'eeg-infer/eegtcnet-forward-b64', workload: 'EEG-TCNet forward, batch 64 (train mode, no tape)', nnkit: m.ms, ...rest(m) });
  }
  x1.dispose();
  model.dispose();
  return rows;
}

