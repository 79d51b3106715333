/** `pnpm vision classify --weights w.safetensors|w.pth img.jpg`: Inception v3 top-5 of an image. */
import { readFileSync } from 'node:fs';
import { type Tensor, expandDims, softmax, tidy, topk } from '@tensorflow/tfjs-core';
import { initBackend } from '@nnkit/tensor';
import { choiceFlag, intFlag, parseFlags, requirePath, runCommand, UsageError, userPath } from '@nnkit/tooling-cli';
import { imagenetTransform } from '@nnkit/vision';
import { decodeImage } from '@nnkit/vision/node';
import { VISION_MODELS } from './models.js';

export const USAGE = `usage: pnpm vision classify --weights FILE.safetensors|FILE.pth [--labels FILE] [--top K] [--num-classes N] [--backend wasm|cpu] [--json] IMAGE...

Classifies JPEG/PNG images with Inception v3 (torchvision's inception_v3 state dict, .pth as
torch.save writes it or .safetensors) after torchvision's ImageNet transform (resize 342, crop 299,
normalise); prints the top K classes. Class names come from --labels (one per line, e.g. ImageNet's
1000 names); without it, class indices are printed.
  --weights      the state dict (required)
  --labels       a text file with one class name per line
  --top          how many classes to print (default 5)
  --num-classes  classes of the weights' fc layer (default 1000)
  --backend      wasm (default) or cpu
  --json         print the results as one JSON object on the last line
  --help         this text`;

async function main(): Promise<void> {
  const { values: v, positionals } = parseFlags(process.argv.slice(2), {
    weights: { type: 'string' },
    labels: { type: 'string' },
    top: { type: 'string', default: '5' },
    'num-classes': { type: 'string', default: '1000' },
    backend: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  }, true);
  if (v['help']) return void process.stdout.write(`${USAGE}\n`);
  if (v['weights'] === undefined) throw new UsageError('--weights FILE is required (torchvision inception_v3 weights, .pth or .safetensors)');
  if (positionals.length === 0) throw new UsageError('expected at least one image file');
  const top = intFlag('top', v['top'], 1, 1000);
  const numClasses = intFlag('num-classes', v['num-classes'], 1, 100000);
  const backend = v['backend'] !== undefined ? choiceFlag('backend', v['backend'], ['wasm', 'cpu'] as const) : undefined;
  const weights = userPath(String(v['weights']));
  requirePath(weights, 'weights file');
  const images = positionals.map((p) => userPath(p));
  for (const img of images) requirePath(img, 'image file');
  let names: string[] | undefined;
  if (v['labels'] !== undefined) {
    const f = userPath(String(v['labels']));
    requirePath(f, 'labels file');
    names = readFileSync(f, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  }
  const json = v['json'] === true;
  const say = (line: string): void => void (json ? process.stderr : process.stdout).write(`${line}\n`);

  await initBackend(backend);
  const model = VISION_MODELS.inception_v3.build(numClasses);
  model.loadStateDict(readFileSync(weights), { file: weights });
  model.eval();
  const transform = imagenetTransform();
  const results: Array<{ image: string; top: Array<{ index: number; name?: string; probability: number }>; ms: number }> = [];
  for (const file of images) {
    const raw = decodeImage(readFileSync(file), { file });
    const t0 = performance.now();
    const [values, indices] = tidy(() => {
      const x = transform(raw);
      const logits = model.call(expandDims(x, 0)) as Tensor;
      const r = topk(softmax(logits), top);
      return [r.values.dataSync().slice(), r.indices.dataSync().slice()] as const;
    });
    const ms = performance.now() - t0;
    const rows = Array.from(indices, (index, i) => ({ index, ...(names?.[index] !== undefined ? { name: names[index] } : {}), probability: values[i]! }));
    results.push({ image: file, top: rows, ms });
    say(`${file} (${ms.toFixed(0)} ms)`);
    for (const r of rows) say(`  ${(100 * r.probability).toFixed(2).padStart(6)} %  ${r.name ?? `class ${r.index}`}`);
  }
  model.dispose();
  if (json) process.stdout.write(`${JSON.stringify({ weights, results })}\n`);
}

runCommand('vision classify', USAGE, main);
