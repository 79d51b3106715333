/**
 * nnkit's main demo, the iris tutorial: `pnpm iris [--epochs N] [--lr X] [--batch-size N]
 * [--seed N] [--backend wasm|cpu] [--out DIR] [--json]` (`pnpm iris --help`).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, NnkitError } from '@nnkit/tensor';
import { nodeStorage } from '@nnkit/train/node';
import { parseIrisArgs, USAGE, UsageError } from './cli.js';
import { runIrisTutorial } from './tutorial.js';

async function main(): Promise<void> {
  let args;
  try {
    args = parseIrisArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`iris: ${e.message}\n${USAGE.split('\n')[0]}\n`);
    process.exit(2);
  }
  if (args.help) return void process.stdout.write(`${USAGE}\n`);
  const cwd = process.env['INIT_CWD'] ?? process.cwd();
  const out = args.out !== undefined ? resolve(cwd, args.out) : fileURLToPath(new URL('../out/', import.meta.url));
  const t0 = performance.now();
  const backend = await initBackend(args.backend);
  // with --json, the human-readable lines go to stderr and stdout holds only the JSON object
  const say = (line: string): void => void (args.json ? process.stderr : process.stdout).write(`${line}\n`);
  say(`nnkit iris tutorial — backend ${backend} (started in ${(performance.now() - t0).toFixed(0)} ms)`);
  const r = await runIrisTutorial({ seed: args.seed, epochs: args.epochs, lr: args.lr, batchSize: args.batchSize, out, storage: nodeStorage(), log: say });
  say(`total: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (args.json) process.stdout.write(`${JSON.stringify(r)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`iris: ${e instanceof NnkitError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
  process.exit(1);
});
