/** `pnpm vision bench`: forward-pass timings of the vision models (eval mode). */
import { type Tensor, randomNormal, tidy } from '@tensorflow/tfjs-core';
import { backendName, initBackend } from '@nnkit/tensor';
import { choiceFlag, intFlag, parseFlags, progressBar, runCommand } from '@nnkit/tooling-cli';
import { VISION_MODEL_NAMES, VISION_MODELS, type VisionModelName } from './models.js';

export const USAGE = `usage: pnpm vision bench [--models ${VISION_MODEL_NAMES.join(',')}] [--batch N] [--reps N] [--backend wasm|cpu] [--json]

Times the forward pass (eval mode, random input at each model's default size) after one warm-up run.
  --models   comma-separated (default lenet,small-cbam-cnn,attention_unet,inception_v3)
  --batch    batch size (default 1)
  --reps     timed runs per model (default 5)
  --backend  wasm (default) or cpu
  --json     print the results as one JSON object on the last line
  --help     this text`;

async function main(): Promise<void> {
  const { values: v } = parseFlags(process.argv.slice(2), {
    models: { type: 'string', default: VISION_MODEL_NAMES.join(',') },
    batch: { type: 'string', default: '1' },
    reps: { type: 'string', default: '5' },
    backend: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (v['help']) return void process.stdout.write(`${USAGE}\n`);
  const names = String(v['models']).split(',').map((m) => choiceFlag('models', m, VISION_MODEL_NAMES) as VisionModelName);
  const batch = intFlag('batch', v['batch'], 1, 256);
  const reps = intFlag('reps', v['reps'], 1, 1000);
  const backend = v['backend'] !== undefined ? choiceFlag('backend', v['backend'], ['wasm', 'cpu'] as const) : undefined;
  const json = v['json'] === true;
  const say = (line: string): void => void (json ? process.stderr : process.stdout).write(`${line}\n`);
  await initBackend(backend);
  say(`vision bench: backend ${backendName()}, batch ${batch}, ${reps} runs after a warm-up`);
  const rows: Array<{ model: string; input: number[]; meanMs: number; minMs: number }> = [];
  for (const name of names) {
    const spec = VISION_MODELS[name];
    const model = spec.build();
    model.eval();
    const input = [batch, ...spec.input.slice(1)];
    const x = randomNormal(input);
    const once = (): number => {
      const t0 = performance.now();
      tidy(() => (model.call(x) as Tensor).dataSync());
      return performance.now() - t0;
    };
    once();
    const bar = progressBar(reps, name);
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      times.push(once());
      bar.update(i + 1);
    }
    bar.done();
    x.dispose();
    model.dispose();
    const row = { model: name, input, meanMs: times.reduce((a, b) => a + b, 0) / reps, minMs: Math.min(...times) };
    rows.push(row);
    say(`${name.padEnd(16)} [${input.join(', ')}]`.padEnd(40) + `mean ${row.meanMs.toFixed(1).padStart(8)} ms   min ${row.minMs.toFixed(1).padStart(8)} ms`);
  }
  if (json) process.stdout.write(`${JSON.stringify({ backend: backendName(), batch, reps, results: rows })}\n`);
}

runCommand('vision bench', USAGE, main);
