// Group data: BCI IV 2b, subject 1 (sessions 1-3 train: 360 trials of 3 × 1000; 4-5 test), read
// in place from the shared data folder — reading the MAT files (`loadBCICIV2b`), one DataLoader
// epoch (TensorDataset, batch 64, shuffled), and one EEG-TCNet training epoch of the app's recipe
// (`trainWithinSubject`: z-score, Adam lr 1e-3, batch 64, cross-entropy; per-epoch wall time).
import { DataLoader, disposeBatch, Generator, TensorDataset, trialsToTensors } from '@nnkit/data';
import { loadBCICIV2b } from '@nnkit/data/node';
import { EEGTCNet, trainWithinSubject, type TrialArrays } from '@nnkit/eeg';
import { sharedData } from '@nnkit/tooling-cli';
import { profile, randomNormal, type Tensor } from '@tensorflow/tfjs-core';
import type { GroupContext } from '../group-main.js';
import { measure, peakRssMb, rest } from '../harness.js';
import { forwardMacs, gemmMs } from '../measure.js';
import type { Row } from '../row.js';
import { median } from '../stats.js';

const root = sharedData('bciciv2b');

export async function run({ runs, ids, log }: GroupContext): Promise<Row[]> {
  const rows: Row[] = [];
  if (ids.has('read-2b')) {
    log('reading the 2b files');
    const r = await measure(async () => void (await loadBCICIV2b({ root, subject: 1, sessions: 'train' })), runs, 1);
    rows.push({ id: 'data/read-2b', workload: 'BCI IV 2b: read subject 1 sessions 1-3 (3 MAT files, 360 trials)', nnkit: r.ms, samples: 360, ...rest(r) });
  }
  const train = await loadBCICIV2b({ root, subject: 1, sessions: 'train' });
  const n = train.shape[0];
  if (ids.has('dataloader-2b')) {
    log('DataLoader epoch');
    const { x, y } = trialsToTensors(train);
    const loader = new DataLoader<[Tensor, Tensor], [Tensor, Tensor]>(new TensorDataset(x, y), { batchSize: 64, shuffle: true, generator: new Generator(0) });
    const r = await measure(async () => {
      for await (const batch of loader) {
        // Ends with a read of the labels: the batch is complete (wasm runs synchronously), and
        // like PyTorch's `for xb, yb in loader: pass` the trials are not copied out (a 768 KB copy
        // out of the wasm heap per batch is the consumer's cost, not the loader's).
        batch[1].dataSync();
        disposeBatch(batch);
      }
    }, runs, 1);
    rows.push({ id: 'data/dataloader-2b', workload: `DataLoader epoch over the 2b trials (${n} × 3 × 1000, batch 64, shuffle)`, nnkit: r.ms, samples: n, ...rest(r) });
    for (const t of [x, y]) t.dispose();
  }
  if (ids.has('epoch-2b')) {
    log('one 2b training epoch (EEG-TCNet, the app recipe)');
    const test = await loadBCICIV2b({ root, subject: 1, sessions: 'eval' });
    const trials = (t: typeof train): TrialArrays => ({ data: t.data, shape: t.shape, labels: t.labels });
    const opts = { createModel: () => new EEGTCNet({ nChans: 3, nClasses: 2 }), train: trials(train), test: trials(test), seed: 1 };
    const prof = await profile(async () => void (await trainWithinSubject({ ...opts, epochs: 1 })).model.dispose());
    const c = process.cpuUsage();
    const res = await trainWithinSubject({ ...opts, epochs: 1 + runs });
    const cpuMs = (() => {
      const d = process.cpuUsage(c);
      return (d.user + d.system) / 1000 / (1 + runs);
    })();
    res.model.dispose();
    const ms = median(res.history.slice(1).map((h) => 1000 * h.seconds));
    const counter = new EEGTCNet({ nChans: 3, nClasses: 2 });
    const x2 = randomNormal([2, 3, 1000]);
    const gemm = await gemmMs((3 * n * forwardMacs(counter, x2)) / 2, runs);
    for (const t of [counter, x2]) t.dispose();
    rows.push({ id: 'data/epoch-2b', workload: `one 2b training epoch, EEG-TCNet (${n} trials, batch 64, Adam; the app recipe)`, nnkit: ms, gemm, samples: n, peakTfjsBytes: prof.peakBytes, rssMb: peakRssMb(), cpuMs });
  }
  return rows;
}
