import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBCICIV2b, type BCICIV2bTrials } from '@nnkit/data/node';
import { EEGTCNet, trainWithinSubject, type TrialArrays } from '@nnkit/eeg';
import { backendName } from '@nnkit/tensor';

/** Options of {@link runExperiment}. */
export interface ExperimentOptions {
  /** Folder with B0101T.mat … B0905E.mat. */
  root: string;
  /** Subjects 1–9. */
  subjects: number[];
  epochs: number;
  /** Where `<date>-epochsN.json` and `.md` go. */
  outDir: string;
  /** Keep only the first k training and test trials (smoke tests). */
  limitTrials?: number;
  seed?: number;
  /** Progress lines. Default console.log. */
  log?: (line: string) => void;
  /** Date stamp of the file names (default today, YYYY-MM-DD). */
  date?: string;
}

/** One row of the results table. */
export interface SubjectResult {
  subject: number;
  accuracy: number;
  kappa: number;
  nTrain: number;
  nTest: number;
  secondsPerEpoch: number;
}

/** The results file. */
export interface ExperimentResults {
  date: string;
  model: string;
  recipe: string;
  backend: string;
  epochs: number;
  subjects: SubjectResult[];
  mean: { accuracy: number; kappa: number };
}

function subset(t: BCICIV2bTrials, k: number | undefined): TrialArrays {
  const [n, c, s] = t.shape;
  const m = k === undefined ? n : Math.min(k, n);
  return { data: t.data.subarray(0, m * c * s), shape: [m, c, s], labels: t.labels.subarray(0, m) };
}

const pct = (v: number): string => (100 * v).toFixed(1);

/** Markdown table of the results. */
export function toMarkdown(r: ExperimentResults): string {
  const lines = [
    `# EEG-TCNet on BCI IV 2b, within-subject (${r.epochs} epochs, ${r.backend})`,
    '',
    `${r.recipe}. Date ${r.date}.`,
    '',
    '| subject | train trials | test trials | accuracy (%) | kappa | s/epoch |',
    '| --- | --- | --- | --- | --- | --- |',
    ...r.subjects.map((s) => `| ${s.subject} | ${s.nTrain} | ${s.nTest} | ${pct(s.accuracy)} | ${s.kappa.toFixed(3)} | ${s.secondsPerEpoch.toFixed(2)} |`),
    `| **mean** | | | **${pct(r.mean.accuracy)}** | **${r.mean.kappa.toFixed(3)}** | |`,
    '',
  ];
  return lines.join('\n');
}

/**
 * Within-subject training of EEG-TCNet (paper hyper-parameters, 3 channels, 2 classes) on BCI IV
 * 2b: sessions 01–03 train, 04–05 test; writes `<outDir>/<date>-epochs<N>.json` and `.md`.
 */
export async function runExperiment(opts: ExperimentOptions): Promise<{ results: ExperimentResults; jsonPath: string; mdPath: string }> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const date = opts.date ?? new Date().toISOString().slice(0, 10);
  const rows: SubjectResult[] = [];
  const every = Math.max(1, Math.floor(opts.epochs / 10));
  for (const subject of opts.subjects) {
    const train = subset(await loadBCICIV2b({ root: opts.root, subject, sessions: 'train' }), opts.limitTrials);
    const test = subset(await loadBCICIV2b({ root: opts.root, subject, sessions: 'eval' }), opts.limitTrials);
    log(`subject ${subject}: ${train.shape[0]} train / ${test.shape[0]} test trials of [${train.shape.slice(1).join(', ')}]`);
    const r = await trainWithinSubject({
      createModel: () => new EEGTCNet({ nChans: 3, nClasses: 2 }),
      train,
      test,
      epochs: opts.epochs,
      seed: opts.seed ?? subject,
      onEpoch: (e) => {
        if (e.epoch % every === 0 || e.epoch === 1) log(`  epoch ${e.epoch}/${opts.epochs}  loss ${e.loss.toFixed(4)}  ${e.seconds.toFixed(2)} s`);
      },
    });
    r.model.dispose();
    rows.push({ subject, accuracy: r.accuracy, kappa: r.kappa, nTrain: train.shape[0], nTest: test.shape[0], secondsPerEpoch: r.secondsPerEpoch });
    log(`subject ${subject}: accuracy ${pct(r.accuracy)} %  kappa ${r.kappa.toFixed(3)}  (${r.secondsPerEpoch.toFixed(2)} s/epoch)`);
  }
  const mean = (f: (s: SubjectResult) => number): number => rows.reduce((s, r) => s + f(r), 0) / Math.max(1, rows.length);
  const results: ExperimentResults = {
    date,
    model: 'EEGTCNet(nChans=3, nClasses=2; F1=8 D=2 KE=32 pe=0.2 L=2 FT=12 KT=4 pt=0.3)',
    recipe: 'z-score per channel fitted on sessions 01-03, Adam lr 1e-3, batch 64, cross-entropy; test on sessions 04-05 after the last epoch',
    backend: backendName() ?? 'unknown',
    epochs: opts.epochs,
    subjects: rows,
    mean: { accuracy: mean((r) => r.accuracy), kappa: mean((r) => r.kappa) },
  };
  mkdirSync(opts.outDir, { recursive: true });
  const stem = join(opts.outDir, `${date}-epochs${opts.epochs}`);
  writeFileSync(`${stem}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${stem}.md`, toMarkdown(results));
  return { results, jsonPath: `${stem}.json`, mdPath: `${stem}.md` };
}
