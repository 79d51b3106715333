// Group eeg-steps: training steps at batch 64 (Adam lr 1e-3, cross-entropy), each beside a wasm
// GEMM with 3 × the forward MACs (forward, input gradient, weight gradient).
import { EEGInceptionTCN, EEGNet, EEGTCNet } from '@nnkit/eeg';
import { backward, CrossEntropyLoss, type Module } from '@nnkit/nn';
import { Adam } from '@nnkit/train';
import { randomNormal, slice, tensor1d, type Tensor } from '@tensorflow/tfjs-core';
import type { GroupContext } from '../group-main.js';
import { measure, rest } from '../harness.js';
import { TRAIN_WARMUP } from '../warmup.js';
import { forwardMacs, gemmMs } from '../measure.js';
import type { Row } from '../row.js';

const lossFn = new CrossEntropyLoss();

/** Median step of `make()` on (x, y) with Adam, and the same-MAC GEMM. */
export async function trainStepRow(id: string, workload: string, make: () => Module, x: Tensor, y: Tensor, runs: number, warmup = TRAIN_WARMUP): Promise<Row> {
  const m = make().train();
  const opt = new Adam(m.parameters(), { lr: 1e-3 });
  const step = (): void => {
    opt.zeroGrad();
    const loss = backward(() => lossFn.call(m.call(x), y), m);
    opt.step();
    loss.dataSync();
    loss.dispose();
  };
  const r = await measure(step, runs, warmup);
  opt.dispose();
  m.dispose();
  const counter = make();
  const k = Math.min(2, x.shape[0]!); // count on 2 samples (batch norm in train mode needs 2)
  const xk = slice(x, 0, k);
  const gemm = await gemmMs((3 * x.shape[0]! * forwardMacs(counter, xk)) / k, runs);
  xk.dispose();
  counter.dispose();
  return { id, workload, nnkit: r.ms, gemm, ...rest(r) };
}

export async function run({ runs, ids, log }: GroupContext): Promise<Row[]> {
  const rows: Row[] = [];
  const x22 = randomNormal([64, 22, 1000]);
  const y4 = tensor1d(Array.from({ length: 64 }, (_, i) => i % 4), 'int32');
  const x3 = randomNormal([64, 3, 1000]);
  const y2 = tensor1d(Array.from({ length: 64 }, (_, i) => i % 2), 'int32');
  const cases: Array<[string, string, () => Module, Tensor, Tensor]> = [
    ['eegtcnet-step-22ch', 'EEG-TCNet train step, 22 ch, batch 64 (Adam)', () => new EEGTCNet({ nChans: 22, nClasses: 4 }), x22, y4],
    ['eegtcnet-step-3ch', 'EEG-TCNet train step, 3 ch, 2 classes, batch 64 (BCI IV 2b recipe)', () => new EEGTCNet({ nChans: 3, nClasses: 2 }), x3, y2],
    ['eegnet-step', 'EEGNet train step, 22 ch × 1000, batch 64', () => new EEGNet({ nChans: 22, nClasses: 4, nTimes: 1000 }), x22, y4],
    ['eeg-inception-tcn-step', 'EEG-Inception-TCN train step, 22 ch × 1000, batch 64', () => new EEGInceptionTCN({ nChans: 22, nClasses: 4 }), x22, y4],
  ];
  for (const [id, workload, make, x, y] of cases) {
    if (!ids.has(id)) continue;
    log(workload);
    rows.push(await trainStepRow(`eeg-steps/${id}`, workload, make, x, y, runs));
  }
  for (const t of [x22, y4, x3, y2]) t.dispose();
  return rows;
}
