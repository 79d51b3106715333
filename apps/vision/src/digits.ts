/** `pnpm vision digits`: trains LeNet (or the small CBAM CNN) on the 8×8 digits, upsampled to 32×32. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePlot } from '@nnkit/metrics/plots-node';
import { saveSafetensors } from '@nnkit/nn';
import { backendName, initBackend } from '@nnkit/tensor';
import { choiceFlag, defaultOut, intFlag, parseFlags, progressBar, requirePath, runCommand, sharedData, UsageError, userPath } from '@nnkit/tooling-cli';
import { trainDigits } from '@nnkit/vision';
import { readDigitsCsv } from '@nnkit/vision/node';

export const USAGE = `usage: pnpm vision digits [--model lenet|cbam] [--epochs N] [--lr X] [--seed N] [--data FILE] [--backend wasm|cpu] [--out DIR] [--json]

The digits demo of @nnkit/vision: 1,797 8×8 digits (scikit-learn's) upsampled to 32×32, a stratified
80/20 split, LeNet-5 (or a small CNN with CBAM attention) trained with Adam; prints the held-out
accuracy and writes the confusion matrix (PNG) and the model (safetensors).
  --model    lenet (default) or cbam
  --epochs   training epochs (default 15)
  --lr       Adam learning rate (default 0.001)
  --seed     seed of the split, the shuffling and the weights (default 0)
  --data     digits.csv or digits.csv.gz (default ../shared/data/digits.csv.gz)
  --backend  wasm (default) or cpu
  --out      output folder (default apps/vision/out/digits, ignored by git)
  --json     print the results as one JSON object on the last line
  --help     this text`;

async function main(): Promise<void> {
  const { values: v } = parseFlags(process.argv.slice(2), {
    model: { type: 'string', default: 'lenet' },
    epochs: { type: 'string', default: '15' },
    lr: { type: 'string', default: '0.001' },
    seed: { type: 'string', default: '0' },
    data: { type: 'string' },
    backend: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (v['help']) return void process.stdout.write(`${USAGE}\n`);
  const model = choiceFlag('model', v['model'], ['lenet', 'cbam'] as const);
  const epochs = intFlag('epochs', v['epochs'], 1, 10000);
  const seed = intFlag('seed', v['seed'], 0, 0xffffffff);
  const lr = Number(v['lr']);
  if (!(Number.isFinite(lr) && lr > 0)) throw new UsageError(`--lr must be a number > 0, got '${String(v['lr'])}'`);
  const backend = v['backend'] !== undefined ? choiceFlag('backend', v['backend'], ['wasm', 'cpu'] as const) : undefined;
  const file = v['data'] !== undefined ? userPath(String(v['data'])) : sharedData('digits.csv.gz');
  requirePath(file, 'digits data (pass --data FILE)');
  const out = v['out'] !== undefined ? userPath(String(v['out'])) : defaultOut(import.meta.url, 'digits');
  const json = v['json'] === true;
  const say = (line: string): void => void (json ? process.stderr : process.stdout).write(`${line}\n`);

  await initBackend(backend);
  const data = readDigitsCsv(readFileSync(file), { file }); // gzip or plain; capped, strict
  say(`vision digits: ${model} on ${backendName()}, ${data.labels.length} digits from ${file}, ${epochs} epochs`);
  const bar = progressBar(epochs, 'training');
  const t0 = performance.now();
  const r = await trainDigits(data, { model, epochs, lr, seed, onEpoch: (e, loss) => {
    bar.update(e, `loss ${loss.toFixed(4)}`);
    if (e === 1 || e === epochs || e % Math.max(1, Math.floor(epochs / 5)) === 0) say(`epoch ${e}/${epochs}: train loss ${loss.toFixed(4)}`);
  } });
  bar.done();
  const seconds = (performance.now() - t0) / 1000;
  mkdirSync(out, { recursive: true });
  const stem = join(out, `digits-${model}`);
  await writePlot(r.plot, `${stem}-confusion.png`);
  writeFileSync(`${stem}.safetensors`, saveSafetensors(r.model.stateDict(), { model, seed: String(seed) }));
  r.model.dispose();
  say(`${r.trainSize} train / ${r.testSize} held-out digits: test accuracy ${r.testAccuracy.toFixed(4)} (${seconds.toFixed(1)} s)`);
  say(`wrote ${stem}-confusion.png, ${stem}.safetensors`);
  if (json) process.stdout.write(`${JSON.stringify({ model, epochs, seed, backend: backendName(), testAccuracy: r.testAccuracy, trainSize: r.trainSize, testSize: r.testSize, losses: r.losses, confusion: r.confusion, seconds, files: [`${stem}-confusion.png`, `${stem}.safetensors`] })}\n`);
}

runCommand('vision digits', USAGE, main);
