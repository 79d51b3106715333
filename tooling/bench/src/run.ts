/**
 * `pnpm bench`: nnkit/wasm workloads (EEG-TCNet 22 and 3 channels, EEGNet, EEG-Inception-TCN,
 * the iris MLP's full training, the EEG front end's ops) against peers measured in the same run —
 * PyTorch CPU with one thread (Debian python3-torch, when installed; run before and after nnkit,
 * averaged) and tfjs-layers on the same wasm backend — plus, beside each conv workload, a
 * same-MAC wasm GEMM (nnkit's distance to this machine's wasm rate). Reports medians and ratios,
 * peak RSS and peak tfjs bytes; writes `tooling/bench/results/latest.json` and `latest.md`.
 * BENCH_RUNS sets the number of timed runs (default 7, at least 5 for reported figures);
 * BENCH_PEER_TWICE=0 runs PyTorch only before nnkit.
 * See tooling/bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EEGInceptionTCN, EEGNet, EEGTCNet, temporalConvMoments, temporalSpatialConv } from '@nnkit/eeg';
import { backward, BatchNorm2d, Conv2d, CrossEntropyLoss, Linear, Module, Sequential } from '@nnkit/nn';
import { initBackend } from '@nnkit/tensor';
import { Adam, SGD } from '@nnkit/train';
import { add, matMul, memory, mul, randomNormal, randomUniform, rsqrt, sigmoid, sub, sum, tensor1d, tidy, transpose, reshape, type Tensor } from '@tensorflow/tfjs-core';
import { forwardMacs, gemmMs, peakBytes, sampleRss } from './measure.js';
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
  infer288Ms: number;
  eegnetStepMs: number;
  inceptionStepMs: number;
  irisFitMs: number;
  peakRssMb: number;
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
  return Object.fromEntries(Object.keys(a).map((k) => [k, typeof a[k as keyof TorchPeer] === 'number' ? (a[k as keyof TorchPeer] + b[k as keyof TorchPeer]) / 2 : a[k as keyof TorchPeer]])) as unknown as TorchPeer;
}

async function main(): Promise<void> {
  const torchBefore = pytorchPeer();
  const backend = await initBackend();
  console.log(`nnkit bench — backend ${backend}, ${runs} runs, medians`);

  // nnkit inference, one trial, default settings (the eval weight cache is on by default)
  const model = new EEGTCNet({ nChans: 22, nClasses: 4 });
  model.eval();
  const x1 = randomNormal([1, 22, 1000]);
  const infer1 = (): void => {
    const y = model.call(x1);
    y.dataSync();
    y.dispose();
  };
  const nnkitInfer = await timeMs(infer1, runs * 10, 5);
  const inferPeak = await peakBytes(infer1);
  sampleRss();

  // the same without the cache (what every call cost before it was the default)
  model.cacheWeights(false);
  const nnkitInferUncached = await timeMs(infer1, runs * 10, 5);
  model.cacheWeights(true);

  // batch 288 (a 2b session's trials at once)
  const x288 = randomNormal([288, 22, 1000]);
  const infer288 = (): void => tidy(() => void model.call(x288).dataSync());
  const nnkitInfer288 = await timeMs(infer288, runs, 1);
  const infer288Peak = await peakBytes(infer288);
  const infer288Gemm = await gemmMs(forwardMacs(new EEGTCNet({ nChans: 22, nClasses: 4 }).eval(), x288), runs);
  x288.dispose();
  sampleRss();

  // training steps, batch 64, Adam, cross-entropy: median ms, peak tfjs bytes, same-MAC GEMM
  // (3 × the forward MACs: forward, input gradient, weight gradient)
  const lossFn = new CrossEntropyLoss();
  const xb = randomNormal([64, 22, 1000]);
  const yb = tensor1d(Array.from({ length: 64 }, (_, i) => i % 4), 'int32');
  const trainStep = async (make: () => Module, x: Tensor, y: Tensor): Promise<{ ms: number; peak: number; gemm: number }> => {
    const m = make().train();
    const opt = new Adam(m.parameters(), { lr: 1e-3 });
    const step = (): void => {
      opt.zeroGrad();
      const loss = backward(() => lossFn.call(m.call(x), y), m);
      opt.step();
      loss.dataSync();
      loss.dispose();
    };
    const ms = await timeMs(step, runs, 2);
    const peak = await peakBytes(step);
    sampleRss();
    const counter = make();
    const gemm = await gemmMs(3 * forwardMacs(counter, x), runs);
    counter.dispose();
    m.dispose();
    opt.dispose();
    return { ms, peak, gemm };
  };
  const t22 = await trainStep(() => new EEGTCNet({ nChans: 22, nClasses: 4 }), xb, yb);
  const xb3 = randomNormal([64, 3, 1000]);
  const yb3 = tensor1d(Array.from({ length: 64 }, (_, i) => i % 2), 'int32');
  const t3 = await trainStep(() => new EEGTCNet({ nChans: 3, nClasses: 2 }), xb3, yb3);
  const tEegnet = await trainStep(() => new EEGNet({ nChans: 22, nClasses: 4, nTimes: 1000 }), xb, yb);
  const tIncep = await trainStep(() => new EEGInceptionTCN({ nChans: 22, nClasses: 4 }), xb, yb);

  // iris MLP 4-6-3 (sigmoid), full training: 120 rows, batch 16, 150 epochs, SGD lr 0.2
  class IrisMLP extends Module {
    readonly fc1 = this.registerModule('fc1', new Linear(4, 6));
    readonly fc2 = this.registerModule('fc2', new Linear(6, 3));
    forward(x: Tensor): Tensor {
      return this.fc2.call(sigmoid(this.fc1.call(x)));
    }
  }
  const irisX = Array.from({ length: 8 }, (_, i) => randomUniform([i < 7 ? 16 : 8, 4]));
  const irisY = irisX.map((t) => tensor1d(Array.from({ length: t.shape[0]! }, (_, i) => i % 3), 'int32'));
  const irisFit = (): void => {
    const m = new IrisMLP();
    const o = new SGD(m.parameters(), { lr: 0.2 });
    for (let e = 0; e < 150; e++) {
      for (let i = 0; i < irisX.length; i++) {
        o.zeroGrad();
        backward(() => lossFn.call(m.call(irisX[i]!), irisY[i]!), m).dispose();
        o.step();
      }
    }
    m.parameters()[0]!.data.dataSync();
    m.dispose();
    o.dispose();
  };
  const nnkitIris = await timeMs(irisFit, Math.max(3, runs >> 1), 1);
  sampleRss();

  // TODO(vision): Inception v3 forward (b1, 299²) and train step (b8) once @nnkit/vision lands.
  // TODO(attention): the attention modules at N = 1024 and 4096 once @nnkit/attention lands.
  // TODO: LeNet/digits epoch, DataLoader throughput on the 2b files, one 2b epoch end to end.

  // nnkit forward, batch 64 (train mode, no tape)
  model.train();
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

  // BENCH_PEER_TWICE=0: PyTorch only before nnkit (a quicker, less drift-proof run)
  const torch = meanPeer(torchBefore, process.env.BENCH_PEER_TWICE === '0' ? null : pytorchPeer());
  const rssMb = sampleRss();
  type Row = [workload: string, nnkit: number, torch: number | undefined, layers: number | undefined, gemm: number | undefined, peak: number | undefined];
  const rows: Row[] = [
    ['EEG-TCNet inference, 1 trial (22 × 1000), default settings', nnkitInfer, torch?.inferMs, layersInfer, undefined, inferPeak],
    ['EEG-TCNet inference, 1 trial, cacheWeights(false)', nnkitInferUncached, torch?.inferMs, layersInfer, undefined, undefined],
    ['EEG-TCNet inference, batch 288', nnkitInfer288, torch?.infer288Ms, undefined, infer288Gemm, infer288Peak],
    ['EEG-TCNet forward, batch 64 (train mode, no tape)', nnkitForward, torch?.forwardMs, undefined, undefined, undefined],
    ['EEG-TCNet train step, 22 ch, batch 64 (Adam)', t22.ms, torch?.trainStepMs, undefined, t22.gemm, t22.peak],
    ['EEG-TCNet train step, 3 ch, 2 classes, batch 64 (BCI IV 2b recipe)', t3.ms, torch?.trainStep3Ms, undefined, t3.gemm, t3.peak],
    ['EEGNet train step, 22 ch × 1000, batch 64', tEegnet.ms, torch?.eegnetStepMs, undefined, tEegnet.gemm, tEegnet.peak],
    ['EEG-Inception-TCN train step, 22 ch × 1000, batch 64', tIncep.ms, torch?.inceptionStepMs, undefined, tIncep.gemm, tIncep.peak],
    ['iris MLP full training (150 epochs, batch 16, SGD)', nnkitIris, torch?.irisFitMs, undefined, undefined, undefined],
    ['temporal Conv2d 1×32 forward, batch 64', temporalConv, torch?.temporalConvMs, undefined, gemmPeer, undefined],
    ['front end fwd+bwd (conv, BN, depthwise), batch 64', frontStep, torch?.frontEndStepMs, undefined, gemmPeer, undefined],
    ['same front end via temporalSpatialConv', frontFused, torch?.frontEndStepMs, undefined, gemmPeer, undefined],
  ];
  const f = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(2));
  const r = (a: number, b: number | undefined): string => (b === undefined ? '—' : `${(a / b).toFixed(2)}×`);
  const mib = (v: number | undefined): string => (v === undefined ? '—' : (v / 2 ** 20).toFixed(1));
  const md = [
    `nnkit bench — ${new Date().toISOString()}, backend ${backend}, ${runs} runs, medians (ms); PyTorch ${torch ? `CPU 1 thread, ${process.env.BENCH_PEER_TWICE === '0' ? 'one run before nnkit' : 'mean of a run before and after nnkit'}` : 'not available'}`,
    '',
    '| workload | nnkit | PyTorch | tfjs-layers | same-MAC wasm GEMM | nnkit / PyTorch | nnkit / tfjs-layers | nnkit / GEMM | peak tfjs MiB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(([name, n, t, l, g, p]) => `| ${name} | ${f(n)} | ${f(t)} | ${f(l)} | ${f(g)} | ${r(n, t)} | ${r(n, l)} | ${r(n, g)} | ${mib(p)} |`),
    '',
    `Peak RSS: nnkit process ${rssMb.toFixed(0)} MiB; PyTorch process ${torch ? torch.peakRssMb.toFixed(0) : '—'} MiB. Live tfjs tensors at the end: ${memory().numTensors}.`,
  ].join('\n');
  console.log(`\n${md}`);
  const dir = join(here, '..', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.md'), `${md}\n`);
  writeFileSync(
    join(dir, 'latest.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        backend,
        runs,
        rows: rows.map(([workload, nnkit, pytorch, tfjsLayers, gemm, peakTfjsBytes]) => ({ workload, nnkit, pytorch, tfjsLayers, gemm, peakTfjsBytes })),
        peakRssMb: rssMb,
        torch,
      },
      null,
      2,
    ),
  );
  model.dispose();
  front.dispose();
}

await main();
