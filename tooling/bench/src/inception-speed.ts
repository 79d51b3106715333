/**
 * Inception v3 (torchvision 0.14's, `@nnkit/vision`'s `Inception3`) on wasm against PyTorch CPU
 * with one thread (Debian python3-torch + torchvision, `torch_inception.py`, run first): forward
 * b1 at 299² in eval mode; a train step b8 (SGD, cross-entropy on logits + 0.4 × on aux logits);
 * the same step with the backbone frozen (`freezeAllBut(model, ['fc', 'AuxLogits.fc'])`), and
 * that step's forward alone under the gradient tape, to split forward from backward.
 *
 *   node --conditions=@nnkit/source --import tsx src/inception-speed.ts
 *
 * INCEPTION_RUNS: timed runs of each (default 3, after 1 warm-up); INCEPTION_TORCH=0 skips PyTorch;
 * INCEPTION_TRAIN_BATCH: the train steps' batch (default 8). A workload that fails (wasm out of
 * memory) is reported as failed and the next one runs. Prints a markdown table;
 * median wall ms and mean CPU ms (process.cpuUsage) per run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backward, crossEntropy } from '@nnkit/nn';
import { initBackend } from '@nnkit/tensor';
import { SGD } from '@nnkit/train';
import { freezeAllBut, Inception3 } from '@nnkit/vision';
import { add, mul, randomNormal, tensor1d, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { median } from './stats.js';
import { torchEnv } from './peers.js';

const here = dirname(fileURLToPath(import.meta.url));
const runs = Number(process.env.INCEPTION_RUNS ?? 3);
const tb = Number(process.env.INCEPTION_TRAIN_BATCH ?? 8);

interface TorchInception {
  forwardB1Ms: number;
  trainStepB8Ms: number;
  frozenStepB8Ms: number;
}

function torchPeer(): TorchInception | null {
  const py = '/usr/bin/python3';
  if (!existsSync(py) || process.env.INCEPTION_TORCH === '0') return null;
  try {
    const out = execFileSync(py, [join(here, '..', 'torch_inception.py')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: torchEnv({ INCEPTION_RUNS: String(runs), INCEPTION_TRAIN_BATCH: String(tb) }),
    });
    return JSON.parse(out.trim().split('\n').pop()!) as TorchInception;
  } catch {
    return null;
  }
}

function time(fn: () => void): { ms: number; cpu: number } {
  fn(); // warm-up
  const wall: number[] = [];
  let cpu = 0;
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const s = performance.now();
    fn();
    wall.push(performance.now() - s);
    const d = process.cpuUsage(c);
    cpu += (d.user + d.system) / 1000;
  }
  return { ms: median(wall), cpu: cpu / runs };
}

const torch = torchPeer();
await initBackend('wasm');
const model = new Inception3({ auxLogits: true, initWeights: false });
const x1 = randomNormal([1, 3, 299, 299]);
const x8 = randomNormal([tb, 3, 299, 299]);
const y8 = tensor1d(Array.from({ length: tb }, (_, i) => (i * 37) % 1000), 'int32');
const loss = (): Tensor => {
  const { logits, auxLogits } = model.call(x8) as unknown as { logits: Tensor; auxLogits: Tensor };
  return add(crossEntropy(logits, y8), mul(crossEntropy(auxLogits, y8), 0.4));
};
const stepOf = (opt: SGD) => (): void => {
  opt.zeroGrad();
  backward(loss, model).dispose();
  opt.step();
  for (const p of model.parameters()) p.data.dataSync();
};

const row = (name: string, n: { ms: number; cpu: number } | string, t: number | undefined): string =>
  typeof n === 'string'
    ? `| ${name} | failed: ${n} | | ${t === undefined ? '–' : t.toFixed(0)} | |`
    : `| ${name} | ${n.ms.toFixed(0)} | ${n.cpu.toFixed(0)} | ${t === undefined ? '–' : t.toFixed(0)} | ${t === undefined ? '–' : (n.ms / t).toFixed(2)} |`;
const attempt = (fn: () => void): { ms: number; cpu: number } | string => {
  try {
    return time(fn);
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  }
};
console.log(`Inception v3 on wasm vs PyTorch CPU 1 thread (median of ${runs} runs, ms; train batch ${tb})\n`);
console.log('| workload | nnkit ms | nnkit CPU ms | PyTorch ms | ratio |');
console.log('| --- | --- | --- | --- | --- |');
model.eval();
console.log(row('forward b1 299², eval', attempt(() => tidy(() => void (model.call(x1) as Tensor).dataSync())), torch?.forwardB1Ms));
model.train();
console.log(row(`train step b${tb} (SGD)`, attempt(stepOf(new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 }))), torch?.trainStepB8Ms));
freezeAllBut(model, ['fc', 'AuxLogits.fc']);
console.log(row(`train step b${tb}, frozen backbone`, attempt(stepOf(new SGD(model.parameters().filter((p) => p.requiresGrad), { lr: 0.01, momentum: 0.9 }))), torch?.frozenStepB8Ms));
// the frozen step's forward alone (train mode, no tape)
console.log(row('its forward alone (train mode, no tape)', attempt(() => tidy(() => void loss().dataSync())), undefined));
