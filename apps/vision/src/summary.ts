/** `pnpm vision summary <model>`: a torchsummary-style table (layers, output shapes, parameters, mult-adds). */
import { summary } from '@nnkit/nn';
import { initBackend } from '@nnkit/tensor';
import { choiceFlag, intFlag, parseFlags, runCommand, UsageError } from '@nnkit/tooling-cli';
import { VISION_MODEL_NAMES, VISION_MODELS, type VisionModelName } from './models.js';

export const USAGE = `usage: pnpm vision summary <${VISION_MODEL_NAMES.join('|')}> [--size N] [--backend wasm|cpu] [--json]

Prints the model's layers with their output shapes, parameter counts and mult-adds (as torchsummary).
  --size     input height and width (default: inception_v3 299, lenet 32, attention_unet 64)
  --backend  wasm (default) or cpu
  --json     print the totals as one JSON object on the last line
  --help     this text`;

async function main(): Promise<void> {
  const { values: v, positionals } = parseFlags(process.argv.slice(2), {
    size: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  }, true);
  if (v['help']) return void process.stdout.write(`${USAGE}\n`);
  if (positionals.length !== 1) throw new UsageError(`expected one model name (${VISION_MODEL_NAMES.join(', ')}), got ${positionals.length}`);
  const name = choiceFlag('model', positionals[0], VISION_MODEL_NAMES) as VisionModelName;
  const backend = v['backend'] !== undefined ? choiceFlag('backend', v['backend'], ['wasm', 'cpu'] as const) : undefined;
  const spec = VISION_MODELS[name];
  const input = [...spec.input];
  if (v['size'] !== undefined) input[2] = input[3] = intFlag('size', v['size'], name === 'inception_v3' ? 75 : 16, 1024);
  await initBackend(backend);
  const model = spec.build();
  model.eval();
  const s = summary(model, input);
  const json = v['json'] === true;
  (json ? process.stderr : process.stdout).write(`${s.toString()}\n`);
  if (json) {
    const r = { model: name, input, layers: s.rows.length, totalParams: s.totalParams, trainableParams: s.trainableParams, nonTrainableParams: s.nonTrainableParams, multAdds: s.multAdds, memory: s.memory };
    process.stdout.write(`${JSON.stringify(r)}\n`);
  }
  model.dispose();
}

runCommand('vision summary', USAGE, main);
