// Node script of the digits demo: `pnpm --filter @nnkit/vision digits [--model lenet|cbam] [--epochs N] [--lr X] [--out file.png]`.
// Reads ../shared/data/digits.csv.gz (or NNKIT_SHARED_DATA), trains, prints the held-out accuracy
// and writes the confusion-matrix figure.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@nnkit/tensor';
import { writePlot } from '@nnkit/metrics/plots-node';
import { trainDigits } from './digits.js';
import { readDigitsCsv } from '../node/read-digits-csv.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
};
const here = fileURLToPath(new URL('.', import.meta.url));
const dataDir = process.env.NNKIT_SHARED_DATA ?? resolve(here, '../../../../../shared/data');
const file = resolve(dataDir, 'digits.csv.gz');
const model = arg('model', 'lenet') as 'lenet' | 'cbam';
const epochs = Number(arg('epochs', '20'));
const lr = Number(arg('lr', '1e-3'));
const out = arg('out', `digits-${model}-confusion.png`);

const backend = await initBackend();
const data = readDigitsCsv(readFileSync(file), { file });
const t0 = performance.now();
const r = await trainDigits(data, { model, epochs, lr, onEpoch: (e, loss) => console.log(`epoch ${e}/${epochs}: train loss ${loss.toFixed(4)}`) });
const secs = (performance.now() - t0) / 1000;
console.log(`${model} on ${backend}: ${r.trainSize} train / ${r.testSize} held-out digits, test accuracy ${(100 * r.testAccuracy).toFixed(2)} % (${secs.toFixed(1)} s)`);
await writePlot(r.plot, out);
console.log(`confusion matrix → ${out}`);
r.model.dispose();
