/**
 * `pnpm bench`: EEG-TCNet (22 channels × 1000 samples, 4 classes; and the BCI IV 2b recipe's
 * 3 channels, 2 classes) on nnkit/wasm against
 * peers measured in the same run — PyTorch CPU with one thread (Debian python3-torch, when
 * installed; run before and after nnkit, averaged) and tfjs-layers on the same wasm backend,
 * plus a same-MAC wasm GEMM as a machine-speed reference. Reports medians and ratios; writes
 * `tooling/bench/results/latest.json`. BENCH_RUNS sets the number of timed runs (default 7).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EEGTCNet } from '@nnkit/eeg';
import { backward, BatchNorm2d, Conv2d, CrossEntropyLoss, Sequential } from '@nnkit/nn';
import { initBackend, temporalConvMoments, temporalSpatialConv } from '@nnkit/tensor';
import { Adam } from '@nnkit/train';
import { add, matMul, mul, randomNormal, rsqrt, sub, sum, tensor1d, tidy, transpose, reshape, type Tensor } from '@tensorflow/tfjs-core';
import { buildLayersEEGTCNet } from './tfjs-layers-eegtcnet.js';
import { timeMs } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 7);

interface TorchPeer {
  trainStepMs: number;
  inferMs: number;
  forwardMs: number;
  temporalConvMs: number;
  frontEndStepMs: number;
  trainStep3Ms: number;
}

function pytorchPeer(): TorchPeer | null {
  const py = '/usr/bin/python3';
  if (!existsSync(py)) return null;
  try {
    const out = execFileSync(py, [join(here, '..', 'torch_eegtcnet.py')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, BENCH_RUNS: String(runs), PYTHONDONTWRITEBYTECODE: '1' },
    });
    return JSON.parse(out.trim().split('\n').pop()!);
  } catch {
    return null;
  }
}

/** PyTorch measured before and after nnkit (the machine's load drifts); field-wise mean. */
function meanPeer(a: TorchPeer | null, b: TorchPeer | null): TorchPeer | null {
  if (a === null || b === null) return a ?? b;
  const m = (k: keyof TorchPeer): number => (a[k] + b[k]) / 2;
  return { trainStepMs: m('trainStepMs'), inferMs: m('inferMs'), forwardMs: m('forwardMs'), temporalConvMs: m('temporalConvMs'), frontEndStepMs: m('frontEndStepMs'), trainStep3Ms: m('trainStep3Ms') };
}

async function main(): Promise<void> {
  const torchBefore = pytorchPeer();
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

  // the same with the eval-mode weight cache (batch norms folded, filters in kernel layout, kept)
  model.cacheWeights();
  const nnkitInferCached = await timeMs(() => {
    const y = model.call(x1);
    y.dataSync();
    y.dispose();
  }, runs * 10, 5);
  model.cacheWeights(false);

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

  // nnkit training step of the BCI IV 2b recipe's model: 3 channels, 2 classes, batch 64
  const model3 = new EEGTCNet({ nChans: 3, nClasses: 2 });
  model3.train();
  const opt3 = new Adam(model3.parameters(), { lr: 1e-3 });
  const xb3 = randomNormal([64, 3, 1000]);
  const yb3 = tensor1d(Array.from({ length: 64 }, (_, i) => i % 2), 'int32');
  const nnkitTrain3 = await timeMs(() => {
    opt3.zeroGrad();
    const loss = backward(() => lossFn.call(model3.call(xb3), yb3), model3);
    opt3.step();
    loss.dataSync();
    loss.dispose();
  }, runs, 2);

  // nnkit forward, batch 64 (train mode, no tape)
  const nnkitForward = await timeMs(() => tidy(() => void model.call(xb).dataSync()), runs, 1);

  // Front end alone, batch 64: the temporal conv forward, and forward+backward of temporal conv
  // + batch norm + depthwise spatial conv. Peer: one wasm matMul (XNNPACK GEMM) with the MAC
  // count of the temporal conv (64·22·1000·32·8), measured in the same run, so the ratio says how
  // far the conv is from the backend's best GEMM speed whatever the machine load.
  const convT = new Conv2d(1, 8, [1, 32], { padding: 'same', bias: false });
  const bn = new BatchNorm2d(8);
  const convS = new Conv2d(8, 16, [22, 1], { groups: 8, bias: false });
  const front = new Sequential(convT, bn, convS);
  const x4 = reshape(xb, [64, 1, 22, 1000]);
  const gemmA = randomNormal([(64 * 22 * 1000) / 8, 32 * 8]);
  const gemmB = randomNormal([32 * 8, 8]);
  const gemmPeer = await timeMs(() => tidy(() => void matMul(gemmA, gemmB).dataSync()), runs, 1);
  const temporalConv = await timeMs(() => tidy(() => void convT.call(x4).dataSync()), runs, 1);
  const frontStep = await timeMs(() => {
    front.zeroGrad();
    backward(() => sum(front.call(x4)), front).dispose();
    for (const p of front.parameters()) p.grad?.dataSync();
  }, runs, 2);

  // The same front end through temporalSpatialConv (spatial mixing first, then a depthwise
  // temporal filter; batch-norm statistics from the input's patch moments).
  const frontFused = await timeMs(() => {
    front.zeroGrad();
    backward(() => {
      const m = temporalConvMoments(x4, convT.weight.data);
      const scale = mul(rsqrt(add(m.variance, bn.eps)), bn.weight!.data);
      return sum(temporalSpatialConv(x4, convT.weight.data, convS.weight.data, { scale, shift: sub(bn.bias!.data, mul(m.mean, scale)) }));
    }, front).dispose();
    for (const p of front.parameters()) p.grad?.dataSync();
  }, runs, 2);

  // tfjs-layers peer, same backend, inference
  const layers = buildLayersEEGTCNet();
  const xl = tidy(() => reshape(transpose(x1, [0, 1, 2]), [1, 22, 1000, 1]));
  const layersInfer = await timeMs(() => {
    const y = layers.predict(xl) as Tensor;
    y.dataSync();
    y.dispose();
  }, runs * 10, 5);

  const torch = meanPeer(torchBefore, pytorchPeer());
  const rows = [
    ['inference, 1 trial', nnkitInfer, torch?.inferMs, layersInfer],
    ['inference, 1 trial, cacheWeights()', nnkitInferCached, torch?.inferMs, layersInfer],
    ['forward, batch 64', nnkitForward, torch?.forwardMs, undefined],
    ['training step, batch 64 (Adam)', nnkitTrain, torch?.trainStepMs, undefined],
    ['training step, 3 channels, 2 classes, batch 64 (BCI IV 2b recipe)', nnkitTrain3, torch?.trainStep3Ms, undefined],
    ['temporal conv forward, batch 64', temporalConv, torch?.temporalConvMs, undefined],
    ['front end fwd+bwd (conv, BN, depthwise), batch 64', frontStep, torch?.frontEndStepMs, undefined],
    ['same front end via temporalSpatialConv', frontFused, torch?.frontEndStepMs, undefined],
  ] as const;
  console.log('\n| workload | nnkit (ms) | PyTorch CPU 1 thread (ms) | tfjs-layers wasm (ms) | nnkit / PyTorch | nnkit / tfjs-layers |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [name, n, t, l] of rows) {
    const f = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(2));
    const r = (a: number, b: number | undefined) => (b === undefined ? '—' : `${(a / b).toFixed(2)}×`);
    console.log(`| ${name} | ${f(n)} | ${f(t)} | ${f(l)} | ${r(n, t)} | ${r(n, l)} |`);
  }
  console.log(
    `\nwasm GEMM peer (matMul with the temporal conv's 360M MACs): ${gemmPeer.toFixed(2)} ms; ` +
      `temporal conv / GEMM ${(temporalConv / gemmPeer).toFixed(2)}×, front end fwd+bwd / GEMM ${(frontStep / gemmPeer).toFixed(2)}× ` +
      `(temporalSpatialConv: ${(frontFused / gemmPeer).toFixed(2)}×), ` +
      `training step / GEMM ${(nnkitTrain / gemmPeer).toFixed(2)}×`,
  );
  const dir = join(here, '..', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'latest.json'),
    JSON.stringify(
      { date: new Date().toISOString(), backend, runs, nnkitInfer, nnkitInferCached, nnkitForward, nnkitTrain, nnkitTrain3, temporalConv, frontStep, frontFused, gemmPeer, layersInfer, torch },
      null,
      2,
    ),
  );
  model.dispose();
  model3.dispose();
  front.dispose();
}

await main();
