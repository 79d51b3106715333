/**
 * EEG-TCNet within-subject training on BCI Competition IV 2b (the article's recipe) on wasm.
 *   pnpm start [--epochs 750] [--subjects 1,2] [--root path] [--limit k] [--out dir]
 */
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend } from '@nnkit/tensor';
import { runExperiment } from './experiment.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '750' },
    subjects: { type: 'string', default: '1,2,3,4,5,6,7,8,9' },
    root: { type: 'string' },
    limit: { type: 'string' },
    out: { type: 'string' },
  },
});
const root = values.root ?? `${process.env.NNKIT_SHARED_DATA ?? `${here}../../../../shared/data`}/bciciv2b`;
if (!existsSync(root)) {
  console.error(`eeg-bci: data folder not found: ${root} (pass --root or set NNKIT_SHARED_DATA)`);
  process.exit(1);
}
const epochs = Number(values.epochs);
const subjects = values.subjects.split(',').map(Number);
if (!(Number.isInteger(epochs) && epochs > 0) || subjects.some((s) => !(Number.isInteger(s) && s >= 1 && s <= 9))) {
  console.error('eeg-bci: --epochs must be a positive integer and --subjects a list of 1..9');
  process.exit(1);
}
const backend = await initBackend();
console.log(`EEG-TCNet on BCI IV 2b: subjects ${subjects.join(',')}, ${epochs} epochs, backend ${backend}`);
const { results, jsonPath, mdPath } = await runExperiment({
  root,
  subjects,
  epochs,
  outDir: values.out ?? `${here}../results`,
  ...(values.limit !== undefined ? { limitTrials: Number(values.limit) } : {}),
});
console.log(`mean accuracy ${(100 * results.mean.accuracy).toFixed(1)} %, kappa ${results.mean.kappa.toFixed(3)}`);
console.log(`wrote ${jsonPath}\n      ${mdPath}`);
