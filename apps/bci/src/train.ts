/**
 * `pnpm bci train`: within-subject training of an EEG model on one of BCI IV 2b, 2a or EEGMMIDB;
 * a per-subject table of accuracy and kappa, the model as safetensors, the training curves and
 * the confusion matrix as PNG.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainWithinSubject } from '@nnkit/eeg';
import { confusionMatrix, confusionMatrixPlot, trainingCurves } from '@nnkit/metrics';
import { writePlot } from '@nnkit/metrics/plots-node';
import { saveSafetensors } from '@nnkit/nn';
import { startDataParallel } from '@nnkit/train/node';
import { backendName, initBackend } from '@nnkit/tensor';
import { choiceFlag, defaultOut, intFlag, parseFlags, progressBar, runCommand, sharedData, UsageError, userPath } from '@nnkit/tooling-cli';
import { DATASETS, type DatasetName, firstTrials, loadSubject } from './datasets.js';
import { createModel, MODELS, type ModelName, type ReplicaModelOptions } from './models.js';

/** The module the data-parallel workers load `replicaModel` from (this folder's models.ts or .js). */
const MODELS_MODULE = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './models.ts' : './models.js', import.meta.url));

export const USAGE = `usage: pnpm bci train [--dataset bciciv2b|bciciv2a|eegmmidb] [--subject N[,N...]] [--model eegtcnet|eegnet|eeg-inception-tcn]
                      [--epochs N] [--seed N] [--limit N] [--workers N] [--data-dir DIR] [--backend wasm|cpu] [--out DIR] [--json]

Within-subject training (z-score per channel, Adam lr 1e-3, batch 64, cross-entropy; the EEG-TCNet
article's recipe), tested after the last epoch. Writes per subject <dataset>-s<N>-<model>.safetensors
(for bci stream), <...>-curves.png and <...>-confusion.png, and results.json.
  --dataset    bciciv2b (default), bciciv2a (BNCI A0xT/A0xE .mat or .gdf), eegmmidb (runs 4,8 / 12)
  --subject    subject(s), comma-separated (default 1)
  --model      eegtcnet (default), eegnet, eeg-inception-tcn
  --epochs     training epochs (default 750, the article's)
  --seed       seed of the weights and the shuffling (default: the subject number)
  --limit      keep only the first N training and test trials (smoke runs)
  --workers    data-parallel training on N worker threads (default 1: this thread); each
               batch is split into N fixed shards, gradients summed in worker order (reproducible
               for a given N; batch norm uses per-shard statistics, see @nnkit/train's README)
  --data-dir   the data folder (default ../shared/data/<dataset> or $NNKIT_SHARED_DATA/<dataset>)
  --backend    wasm (default) or cpu
  --out        output folder (default apps/bci/out/train, ignored by git)
  --json       print the results as one JSON object on the last line
  --help       this text`;

/** One row of the per-subject table. */
export interface TrainRow {
  subject: number;
  nTrain: number;
  nTest: number;
  accuracy: number;
  kappa: number;
  secondsPerEpoch: number;
  model: string;
}

async function main(): Promise<void> {
  const { values: v } = parseFlags(process.argv.slice(2), {
    dataset: { type: 'string', default: 'bciciv2b' },
    subject: { type: 'string', default: '1' },
    model: { type: 'string', default: 'eegtcnet' },
    epochs: { type: 'string', default: '750' },
    seed: { type: 'string' },
    limit: { type: 'string' },
    workers: { type: 'string', default: '1' },
    'data-dir': { type: 'string' },
    backend: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (v['help']) return void process.stdout.write(`${USAGE}\n`);
  const dataset = choiceFlag('dataset', v['dataset'], DATASETS) as DatasetName;
  const model = choiceFlag('model', v['model'], MODELS) as ModelName;
  const maxSubject = dataset === 'eegmmidb' ? 109 : 9;
  const subjects = String(v['subject']).split(',').map((s) => intFlag('subject', s, 1, maxSubject));
  const epochs = intFlag('epochs', v['epochs'], 1, 100000);
  const seed = v['seed'] !== undefined ? intFlag('seed', v['seed'], 0, 0xffffffff) : undefined;
  const limit = v['limit'] !== undefined ? intFlag('limit', v['limit'], 2) : undefined;
  const workers = intFlag('workers', v['workers'], 1, 64);
  const backend = v['backend'] !== undefined ? choiceFlag('backend', v['backend'], ['wasm', 'cpu'] as const) : undefined;
  if (subjects.length === 0) throw new UsageError('--subject needs at least one subject');
  const dataDir = v['data-dir'] !== undefined ? userPath(String(v['data-dir'])) : sharedData(dataset);
  const out = v['out'] !== undefined ? userPath(String(v['out'])) : defaultOut(import.meta.url, 'train');
  const json = v['json'] === true;
  const say = (line: string): void => void (json ? process.stderr : process.stdout).write(`${line}\n`);

  await initBackend(backend);
  say(`bci train: ${model} on ${dataset}, subject ${subjects.join(',')}, ${epochs} epochs, backend ${backendName()}${workers > 1 ? `, ${workers} data-parallel workers` : ''}`);
  mkdirSync(out, { recursive: true });
  const rows: TrainRow[] = [];
  const files: string[] = [];
  for (const subject of subjects) {
    const d = await loadSubject(dataset, subject, dataDir);
    const train = firstTrials(d.train, limit);
    const test = firstTrials(d.test, limit);
    say(`subject ${subject}: ${train.shape[0]} train / ${test.shape[0]} test trials of [${d.nChans} channels, ${d.nTimes} samples] (${d.split})`);
    const bar = progressBar(epochs, `subject ${subject}`);
    const evalEvery = Math.max(1, Math.floor(epochs / 30));
    const modelOptions: ReplicaModelOptions = { name: model, nChans: d.nChans, nClasses: d.nClasses, nTimes: d.nTimes };
    const dp = workers > 1 ? await startDataParallel({ workers, model: { module: MODELS_MODULE, export: 'replicaModel', options: modelOptions } }) : undefined;
    const r = await trainWithinSubject({
      createModel: () => createModel(model, d.nChans, d.nClasses, d.nTimes),
      train,
      test,
      epochs,
      seed: seed ?? subject,
      evalEvery,
      onEpoch: (e) => bar.update(e.epoch, `loss ${e.loss.toFixed(4)}`),
      ...(dp ? { dataParallel: dp } : {}),
    }).finally(() => dp?.close());
    bar.done();
    const stem = join(out, `${dataset}-s${subject}-${model}`);
    const sd = r.model.stateDict();
    const meta = {
      model,
      dataset,
      nChans: String(d.nChans),
      nClasses: String(d.nClasses),
      nTimes: String(d.nTimes),
      sampleRate: String(d.sampleRate),
      classNames: JSON.stringify(d.classNames),
      zscoreMean: JSON.stringify(Array.from(r.zscore.mean)),
      zscoreStd: JSON.stringify(Array.from(r.zscore.std)),
    };
    writeFileSync(`${stem}.safetensors`, saveSafetensors(sd, meta));
    const history = {
      stepLosses: r.history.map((h) => [h.epoch, h.loss] as [number, number]),
      devLosses: [] as Array<[number, number]>,
      devScores: r.history.filter((h) => h.testAccuracy !== undefined).map((h) => [h.epoch, h.testAccuracy!] as [number, number]),
      scoreName: 'accuracy (test set)',
    };
    await writePlot(trainingCurves(history, { xTitle: 'Epoch', title: `${model}, ${dataset} subject ${subject}` }), `${stem}-curves.png`);
    const cm = confusionMatrix(Array.from(r.predictions), Array.from(test.labels), { numClasses: d.nClasses });
    await writePlot(confusionMatrixPlot(cm, d.classNames, { title: `${model}, ${dataset} subject ${subject} (test)` }), `${stem}-confusion.png`);
    r.model.dispose();
    files.push(`${stem}.safetensors`, `${stem}-curves.png`, `${stem}-confusion.png`);
    rows.push({ subject, nTrain: train.shape[0], nTest: test.shape[0], accuracy: r.accuracy, kappa: r.kappa, secondsPerEpoch: r.secondsPerEpoch, model: `${stem}.safetensors` });
    say(`subject ${subject}: test accuracy ${r.accuracy.toFixed(3)}  kappa ${r.kappa.toFixed(3)}  (${r.secondsPerEpoch.toFixed(2)} s/epoch)`);
  }
  const mean = (f: (r: TrainRow) => number): number => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  say('');
  say('| subject | train | test | accuracy | kappa |');
  say('| ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) say(`| ${r.subject} | ${r.nTrain} | ${r.nTest} | ${r.accuracy.toFixed(3)} | ${r.kappa.toFixed(3)} |`);
  if (rows.length > 1) say(`| mean | | | ${mean((r) => r.accuracy).toFixed(3)} | ${mean((r) => r.kappa).toFixed(3)} |`);
  const results = { dataset, model, epochs, backend: backendName(), subjects: rows, mean: { accuracy: mean((r) => r.accuracy), kappa: mean((r) => r.kappa) }, files };
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  say(`wrote ${files.join(', ')} and ${join(out, 'results.json')}`);
  if (json) process.stdout.write(`${JSON.stringify(results)}\n`);
}

runCommand('bci train', USAGE, main);
