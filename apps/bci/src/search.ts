/**
 * The EEG-TCNet article's per-subject grid search on BCI IV 2b: for each subject, every
 * combination of the grid × k folds of its training sessions (01-03) is one training run; the
 * combinations are ranked by mean validation accuracy. Trials run on worker threads here, or on
 * a BullMQ queue (`--queue redis://HOST:PORT`) served by `nnkit-worker` processes on any machines.
 *   pnpm bci search [--subjects 1,2] [--epochs 750] [--folds 5] [--grid JSON] [--queue URL] ...
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadBCICIV2b } from '@nnkit/data/node';
import { queueExecutor } from '@nnkit/queue/node';
import { initBackend, NnkitError } from '@nnkit/tensor';
import { formatSearchTable, gridPoints, type TrialRecord } from '@nnkit/train';
import { gridSearch, rankTrials } from '@nnkit/train/node';
import { sharedData, userPath } from '@nnkit/tooling-cli';
import type { SubjectData } from './search-trial.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const USAGE = `usage: pnpm bci search [--subjects 1,2,...] [--epochs N] [--folds K] [--grid JSON] [--limit N]
                       [--queue redis://HOST:PORT] [--name QUEUE] [--storage DIR] [--workers N]
                       [--data-dir DIR] [--out DIR] [--json]

The per-subject grid search of the EEG-TCNet article on BCI IV 2b (training sessions 01-03, k-fold).
  --subjects   subjects 1..9 (default 1)
  --epochs     epochs per training run (default 750, the article's)
  --folds      cross-validation folds (default 5)
  --grid       the grid as JSON (default {"KE":[32,64],"pe":[0.2,0.3],"L":[1,2]})
  --limit      use only the first N training trials of each subject (smoke runs)
  --queue      run the trials on a BullMQ queue in Redis; start workers with
               nnkit-worker --queue URL --trial apps/bci/src/search-trial.ts
  --name       queue name (default nnkit-search)
  --storage    shared folder for the trials' checkpoints (with --queue)
  --workers    worker threads without --queue (default: cores - 1)
  --data-dir   folder of B0101T.mat ... (default ../shared/data/bciciv2b)
  --out        where results go (default apps/bci/out/search, ignored by git)
  --json       print the results as one JSON object on the last line`;

function fail(msg: string, code = 2): never {
  process.stderr.write(`bci search: ${msg}\n${code === 2 ? `${USAGE.split('\n')[0]}\n` : ''}`);
  process.exit(code);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        subjects: { type: 'string', default: '1' },
        epochs: { type: 'string', default: '750' },
        folds: { type: 'string', default: '5' },
        grid: { type: 'string' },
        limit: { type: 'string' },
        queue: { type: 'string' },
        name: { type: 'string' },
        storage: { type: 'string' },
        workers: { type: 'string' },
        'data-dir': { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    fail((e as Error).message.split('\n')[0]!);
  }
  if (values['help']) return void process.stdout.write(`${USAGE}\n`);
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const int = (k: string, min: number): number => {
    const n = Number(str(k));
    if (!Number.isInteger(n) || n < min) fail(`--${k} must be an integer >= ${min}, got '${str(k)}'`);
    return n;
  };
  const subjects = str('subjects')!.split(',').map(Number);
  if (subjects.some((s) => !(Number.isInteger(s) && s >= 1 && s <= 9))) fail(`--subjects must be a list of 1..9, got '${str('subjects')}'`);
  const epochs = int('epochs', 1);
  const folds = int('folds', 2);
  const limit = str('limit') !== undefined ? int('limit', folds) : undefined;
  const workers = str('workers') !== undefined ? int('workers', 0) : undefined;
  let space: Record<string, unknown[]> = { KE: [32, 64], pe: [0.2, 0.3], L: [1, 2] };
  if (str('grid') !== undefined) {
    try {
      space = JSON.parse(str('grid')!) as Record<string, unknown[]>;
      gridPoints(space);
    } catch (e) {
      fail(`--grid must be a JSON object of value lists, e.g. '{"KE":[32,64]}': ${(e as Error).message}`);
    }
  }
  const root = str('data-dir') !== undefined ? userPath(str('data-dir')!) : sharedData('bciciv2b');
  if (!existsSync(root)) fail(`data folder not found: ${root} (pass --data-dir)`, 1);
  const out = str('out') !== undefined ? userPath(str('out')!) : `${here}../out/search`;
  mkdirSync(out, { recursive: true });
  const json = values['json'] === true;
  const log = (l: string): void => void (json ? process.stderr : process.stdout).write(`${l}\n`);
  await initBackend();
  const trial = { module: fileURLToPath(new URL('./search-trial.ts', import.meta.url)), export: 'trial', setup: 'setup' };
  const summary: Array<{ subject: number; best: Record<string, unknown>; accuracy: number; kappa: number; trials: number; failed: number }> = [];
  for (const subject of subjects) {
    const t = await loadBCICIV2b({ root, subject, sessions: 'train' });
    const n = limit === undefined ? t.shape[0] : Math.min(limit, t.shape[0]);
    const [, c, s] = t.shape;
    const data: SubjectData = { subject, data: t.data.slice(0, n * c * s), labels: t.labels.slice(0, n), shape: [n, c, s], length: n, epochs };
    const total = gridPoints(space).length * folds;
    log(`subject ${subject}: ${total} training runs (${gridPoints(space).length} configurations × ${folds} folds, ${epochs} epochs, ${n} trials)${str('queue') ? ` on ${str('queue')}` : ''}`);
    const done: TrialRecord[] = [];
    const logged = new Map<string, number>();
    const points = gridPoints(space);
    const res = await gridSearch({
      space,
      trial,
      data,
      cv: { k: folds, shuffle: true, seed: subject },
      score: 'accuracy',
      resultsFile: join(out, `search-s${subject}.jsonl`),
      ...(workers !== undefined ? { workers } : {}),
      workerExecArgv: ['--conditions=@nnkit/source', '--import', 'tsx'],
      ...(str('queue')
        ? {
            executor: queueExecutor({
              connection: str('queue')!,
              ...(str('name') ? { queue: str('name')! } : {}),
              ...(str('storage') ? { checkpointRoot: userPath(str('storage')!) } : {}),
              search: `bciciv2b-s${subject}-e${epochs}`,
              onProgress: (p) => {
                // workers coalesce reports (at most one a second), so log when a fifth of the epochs is passed, not at exact epochs
                const step = Math.max(1, Math.floor(epochs / 5));
                const id = `${p.key}#${p.fold}`;
                const epoch = Number(p.info['epoch']);
                if (Math.floor(epoch / step) > Math.floor((logged.get(id) ?? 0) / step)) log(`  ${p.worker}: ${p.key} fold ${p.fold + 1} epoch ${epoch}/${epochs} loss ${p.info['loss']}`);
                logged.set(id, epoch);
              },
            }),
          }
        : {}),
      onTrial: (r, k, tot) => {
        done.push(r);
        const w = 24;
        const bar = '#'.repeat(Math.round((w * k) / tot)).padEnd(w, '-');
        log(`[${bar}] ${k}/${tot}  ${r.key} fold ${r.fold + 1}: ${r.error ? `FAILED ${r.error}` : `accuracy ${(100 * r.scores['accuracy']!).toFixed(1)} %`}`);
        const ok = done.filter((d) => !d.error);
        if (ok.length && k < tot) log(formatSearchTable(rankTrials(ok, points, 'accuracy', 'max').slice(0, 3)).replace(/^/gm, '    '));
      },
    });
    log(formatSearchTable(res.rows));
    writeFileSync(join(out, `search-s${subject}.md`), `# Grid search, subject ${subject} (${epochs} epochs, ${folds} folds)\n\n\`\`\`\n${formatSearchTable(res.rows)}\n\`\`\`\n`);
    summary.push({ subject, best: res.best.params, accuracy: res.best.mean['accuracy']!, kappa: res.best.mean['kappa']!, trials: res.trials.length, failed: res.failed.length });
  }
  log('\n| subject | best configuration | CV accuracy | CV kappa |\n| --- | --- | --- | --- |');
  for (const r of summary) log(`| ${r.subject} | ${JSON.stringify(r.best)} | ${(100 * r.accuracy).toFixed(1)} % | ${r.kappa.toFixed(3)} |`);
  if (json) process.stdout.write(`${JSON.stringify({ subjects: summary, out })}\n`);
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`bci search: ${e instanceof NnkitError ? e.message : e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
