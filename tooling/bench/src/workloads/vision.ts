// Group vision: Inception v3 (torchvision's, 1000 classes) forward in eval at batch 1, 299²; a
// train step at batch 8 (aux logits as in train mode: loss = CE(logits) + 0.4·CE(aux), SGD
// momentum 0.9); LeNet one epoch on the digits (1,437 training digits upsampled to 32², batch 32,
// Adam, shuffled), with a tfjs-layers LeNet peer on the same backend.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Generator, trainValSplit } from '@nnkit/data';
import { backward, crossEntropy, type Module } from '@nnkit/nn';
import { SGD, Adam } from '@nnkit/train';
import { sharedData } from '@nnkit/tooling-cli';
import { wasmHeapBytes } from '@nnkit/tensor';
import { digitsToImages, Inception3, type InceptionOutputs, LeNet, parseDigitsCsv } from '@nnkit/vision';
import { add, gather, getBackend, getKernel, mul, randomNormal, slice, tensor1d, tidy, type Tensor } from '@tensorflow/tfjs-core';
import type { GroupContext } from '../group-main.js';
import { measure, notePeak, rest } from '../harness.js';
import { forwardMacs, gemmMs } from '../measure.js';
import type { Row } from '../row.js';

const peakNote = 'peak tfjs MiB: live bytes at the end of the forward (tf.profile fails through maxPool2d backward)';

async function inception(runs: number, ids: ReadonlySet<string>, log: (l: string) => void, rows: Row[]): Promise<void> {
  if (ids.has('inception-v3-fwd-b1')) {
    log('Inception v3 forward, batch 1');
    const m = new Inception3().eval();
    const x = randomNormal([1, 3, 299, 299]);
    const r = await measure(() => tidy(() => void (m.call(x) as Tensor).dataSync()), runs, 2);
    const gemm = await gemmMs(forwardMacs(m, x), runs);
    rows.push({ id: 'vision/inception-v3-fwd-b1', workload: 'Inception v3 forward, batch 1, 299² (eval)', nnkit: r.ms, gemm, ...rest(r) });
    x.dispose();
    m.dispose();
  }
  if (ids.has('inception-v3-step-b8')) {
    log('Inception v3 train step, batch 8');
    try {
      await inceptionStep(runs, rows);
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0]!;
      log(`Inception v3 train step failed: ${msg}`);
      rows.push({ id: 'vision/inception-v3-step-b8', workload: 'Inception v3 train step, batch 8, 299² (aux logits, SGD)', nnkit: Number.NaN, note: `nnkit failed: ${(e as Error).name}: ${msg}` });
    }
  }
}

async function inceptionStep(runs: number, rows: Row[]): Promise<void> {
  const m = new Inception3().train();
  const opt = new SGD(m.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = randomNormal([8, 3, 299, 299]);
  const y = tensor1d(Array.from({ length: 8 }, (_, i) => (i * 97) % 1000), 'int32');
  const r = await measure(() => {
    opt.zeroGrad();
    const loss = backward(() => {
      const o = m.call(x) as InceptionOutputs;
      notePeak();
      return add(crossEntropy(o.logits, y), mul(crossEntropy(o.auxLogits, y), 0.4));
    }, m);
    opt.step();
    loss.dataSync();
    loss.dispose();
  }, runs, 1, { profile: false });
  opt.zeroGrad();
  opt.dispose();
  const x2 = slice(x, 0, 2); // MACs counted on 2 samples in train mode (aux head included)
  const gemm = await gemmMs(3 * 4 * forwardMacs(m, x2), runs);
  const heap = wasmHeapBytes();
  const heapNote = heap === null ? '' : `; wasm heap after the runs ${(heap / 2 ** 20).toFixed(0)} MiB of 4096`;
  rows.push({ id: 'vision/inception-v3-step-b8', workload: 'Inception v3 train step, batch 8, 299² (aux logits, SGD)', nnkit: r.ms, gemm, ...rest(r), note: peakNote + heapNote });
  for (const t of [x, x2, y]) t.dispose();
  m.dispose();
}

/** The digits as LeNet's training set: [1437, 1, 32, 32] images, labels (the 80 % stratified split). */
export function digitsTrainSet(): { x: Tensor; y: Tensor; labels: Int32Array } {
  const bytes = readFileSync(sharedData('digits.csv.gz'));
  const data = parseDigitsCsv(gunzipSync(bytes).toString('utf8'));
  const split = trainValSplit(Array.from(data.labels), { valFraction: 0.2, stratify: true, generator: new Generator(0) });
  const idx = tensor1d(Int32Array.from(split.train), 'int32');
  const all = digitsToImages(data);
  const x = gather(all, idx);
  const labels = Int32Array.from(split.train, (i) => data.labels[i]!);
  for (const t of [idx, all]) t.dispose();
  return { x, y: tensor1d(labels, 'int32'), labels };
}

async function lenet(runs: number, log: (l: string) => void, rows: Row[]): Promise<void> {
  log('LeNet, one digits epoch');
  const { x, y, labels } = digitsTrainSet();
  const n = x.shape[0]!;
  const g = new Generator(0);
  const m: Module = new LeNet({ numClasses: 10 }).train();
  const opt = new Adam(m.parameters(), { lr: 1e-3 });
  const epoch = (): void => {
    const perm = g.randperm(n);
    for (let b = 0; b < n; b += 32) {
      const i = tensor1d(perm.subarray(b, Math.min(n, b + 32)), 'int32');
      const xb = gather(x, i);
      const yb = gather(y, i);
      opt.zeroGrad();
      const loss = backward(() => crossEntropy(m.call(xb) as Tensor, yb), m);
      opt.step();
      loss.dataSync();
      for (const t of [i, xb, yb, loss]) t.dispose();
    }
  };
  const r = await measure(epoch, runs, 1);
  opt.zeroGrad();
  opt.dispose();
  // tfjs-layers needs tfjs's own Conv2D gradient kernels, which tfjs-backend-wasm 4.22 lacks.
  // Imported only now: loading tfjs-layers registers tfjs-core's own gradients over nnkit's for
  // the rest of the process (so the nnkit rows of this group run before it).
  const layersMs = getKernel('Conv2DBackpropFilter', getBackend()) ? (await (await import('../tfjs-layers-lenet.js')).layersLeNetEpoch(x, labels, runs)).ms : undefined;
  const layersNote = layersMs === undefined ? `; tfjs-layers cannot train it on ${getBackend()} (no Conv2DBackpropFilter kernel)` : '';
  const counter = new LeNet({ numClasses: 10 });
  const x2 = slice(x, 0, 2);
  const gemm = await gemmMs((3 * n * forwardMacs(counter, x2)) / 2, runs);
  rows.push({ id: 'vision/lenet-digits-epoch', workload: `LeNet one epoch on the digits (${n} × 32², batch 32, Adam)`, nnkit: r.ms, tfjsLayers: layersMs, gemm, samples: n, ...rest(r), note: layersNote.replace(/^; /, '') });
  for (const t of [x, y, x2]) t.dispose();
  counter.dispose();
  m.dispose();
}

export async function run({ runs, ids, log }: GroupContext): Promise<Row[]> {
  const rows: Row[] = [];
  // Inception first: LeNet's tfjs-layers peer replaces nnkit's gradients with tfjs-core's (see lenet()).
  await inception(runs, ids, log, rows);
  if (ids.has('lenet-digits-epoch')) await lenet(runs, log, rows);
  return rows;
}
