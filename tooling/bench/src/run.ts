/**
 * `pnpm bench`: EEG-TCNet (22 channels × 1000 samples, 4 classes) on nnkit/wasm against
 * peers measured in the same run — PyTorch CPU with one thread (Debian python3-torch, when
 * installed) and tfjs-layers on the same wasm backend. Reports medians and ratios; writes
 * `tooling/bench/results/latest.json`. BENCH_RUNS sets the number of timed runs (default 7).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EEGTCNet } from '@nnkit/eeg';
import { backward, CrossEntropyLoss } from '@nnkit/nn';
import { initBackend } from '@nnkit/tensor';
import { Adam } from '@nnkit/train';
import { randomNormal, tensor1d, tidy, transpose, reshape, type Tensor } from '@tensorflow/tfjs-core';
import { buildLayersEEGTCNet } from './tfjs-layers-eegtcnet.js';
import { timeMs } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 7);

function pytorchPeer(): { trainStepMs: number; inferMs: number } | null {
  const py = '/usr/bin/python3';
  if (!existsSync(py)) return null;
  try {
    const out = execFileSync(py, [join(here, '..', 'torch_eegtcnet.py')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, BENCH_RUNS: String(runs) },
    });
    return JSON.parse(out.trim().split('\n').pop()!);
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const backend = await initBackend();
  console.log(`nnkit bench — backend ${backend}, ${runs} runs, medians`);

  // nnkit inference, one trial
  const model = new EEGTCNet({ nChans: 22, nClasses: 4 });
  model.eval();
  const x1 = randomNormal([1, 22, 1000]);
  const nnkitInfer = await timeMs(() => {
    const y = model.call(x1);
    y.dataSync();
    y.dispose();
  }, runs * 10, 5);

  // nnkit training step, batch 64, Adam, cross-entropy
  model.train();
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new CrossEntropyLoss();
  const xb = randomNormal([64, 22, 1000]);
  const yb = tensor1d(Array.from({ length: 64 }, (_, i) => i % 4), 'int32');
  const nnkitTrain = await timeMs(() => {
    opt.zeroGrad();
    const loss = backward(() => lossFn.call(model.call(xb), yb), model);
    opt.step();
    loss.dataSync();
    loss.dispose();
  }, runs, 2);

  // tfjs-layers peer, same backend, inference
  const layers = buildLayersEEGTCNet();
  const xl = tidy(() => reshape(transpose(x1, [0, 1, 2]), [1, 22, 1000, 1]));
  const layersInfer = await timeMs(() => {
    const y = layers.predict(xl) as Tensor;
    y.dataSync();
    y.dispose();
  }, runs * 10, 5);

  const torch = pytorchPeer();
  const rows = [
    ['inference, 1 trial', nnkitInfer, torch?.inferMs, layersInfer],
    ['training step, batch 64 (Adam)', nnkitTrain, torch?.trainStepMs, undefined],
  ] as const;
  console.log('\n| workload | nnkit (ms) | PyTorch CPU 1 thread (ms) | tfjs-layers wasm (ms) | nnkit / PyTorch | nnkit / tfjs-layers |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [name, n, t, l] of rows) {
    const f = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(2));
    const r = (a: number, b: number | undefined) => (b === undefined ? '—' : `${(a / b).toFixed(2)}×`);
    console.log(`| ${name} | ${f(n)} | ${f(t)} | ${f(l)} | ${r(n, t)} | ${r(n, l)} |`);
  }
  const dir = join(here, '..', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'latest.json'),
    JSON.stringify({ date: new Date().toISOString(), backend, runs, nnkitInfer, nnkitTrain, layersInfer, torch }, null, 2),
  );
  model.dispose();
}

await main();
