/**
 * Writes the playground's data into public/data/ (ignored by git; Vite serves it in dev and copies
 * it into dist/): the 8×8 digits (digits.csv) and an excerpt of BCI IV 2b subject 4
 * (eeg-2b-s4.bin + eeg-2b-s4.json: 80 training trials of sessions 01-03 and 8 test trials of
 * session 04, float32 [N, 3, 1000] each). Reads ../shared/data (or $NNKIT_SHARED_DATA).
 *   node --conditions=@nnkit/source --import tsx scripts/make-data.ts
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { loadBCICIV2b } from '@nnkit/data/node';

const here = fileURLToPath(new URL('.', import.meta.url));
const shared = resolve(process.env['NNKIT_SHARED_DATA'] ?? join(here, '../../../../shared/data'));
const out = join(here, '../public/data');
mkdirSync(out, { recursive: true });

const digits = join(shared, 'digits.csv.gz');
// uncompressed: a static server may label .gz files Content-Encoding: gzip, and browsers then inflate them twice
if (existsSync(digits)) writeFileSync(join(out, 'digits.csv'), gunzipSync(readFileSync(digits)));
else console.warn(`playground data: ${digits} not found — the digits demo will say so`);

const root = join(shared, 'bciciv2b');
if (existsSync(join(root, 'B0401T.mat')) && existsSync(join(root, 'B0404E.mat'))) {
  const train = await loadBCICIV2b({ root, subject: 4, sessions: 'train' });
  const test = await loadBCICIV2b({ root, subject: 4, sessions: [4] });
  const [, c, t] = train.shape;
  // every 4th training trial keeps the classes balanced across the three sessions
  const pick = Array.from({ length: 80 }, (_, i) => (i * Math.floor(train.shape[0] / 80)) % train.shape[0]);
  const nTest = 8;
  const data = new Float32Array((pick.length + nTest) * c * t);
  pick.forEach((i, k) => data.set(train.data.subarray(i * c * t, (i + 1) * c * t), k * c * t));
  data.set(test.data.subarray(0, nTest * c * t), pick.length * c * t);
  writeFileSync(join(out, 'eeg-2b-s4.bin'), Buffer.from(data.buffer));
  const meta = {
    source: 'BCI Competition IV 2b, subject 4 (B0401T-B0403T every 4th trial; B0404E first 8)',
    channels: train.channels,
    sampleRate: train.sampleRate,
    shape: [pick.length + nTest, c, t],
    nTrain: pick.length,
    labels: [...pick.map((i) => train.labels[i]!), ...Array.from(test.labels.subarray(0, nTest))],
    classNames: ['left hand', 'right hand'],
  };
  writeFileSync(join(out, 'eeg-2b-s4.json'), `${JSON.stringify(meta)}\n`);
} else console.warn(`playground data: ${root}/B0401T.mat not found — the EEG demo will say so`);
