import { parseArgs } from 'node:util';

/** The iris command line, parsed and checked. */
export interface IrisArgs {
  epochs: number;
  lr: number;
  batchSize: number;
  seed: number;
  backend: 'wasm' | 'cpu' | undefined;
  out: string | undefined;
  json: boolean;
  help: boolean;
}

export const USAGE = `usage: pnpm iris [--epochs N] [--lr X] [--batch-size N] [--seed N] [--backend wasm|cpu] [--out DIR] [--json]

The iris tutorial: the data and its scatter, min-max normalisation and the 120/15/15 split, the MLP
4-6-3 trained with the Runner (best dev model saved and reloaded), its test accuracy and one
prediction, the training curves, and softmax regression vs the MLP (accuracy, decision boundaries).
  --epochs      training epochs (default 150)
  --lr          SGD learning rate (default 0.2)
  --batch-size  mini-batch size (default 16)
  --seed        seed of the split, the shuffling and the weights (default 0)
  --backend     wasm (default) or cpu
  --out         folder for the figures and the model (default apps/iris/out, ignored by git)
  --json        print the results as one JSON object on the last line
  --help        this text`;

/** A bad command line: the message is one line; the caller prints it with the usage line and exits 2. */
export class UsageError extends Error {}

function num(name: string, v: string, ok: (n: number) => boolean, what: string): number {
  const n = Number(v);
  if (v.trim() === '' || !ok(n)) throw new UsageError(`--${name} must be ${what}, got '${v}'`);
  return n;
}

/**
 * Parses `argv` (without node and the script).
 * @example
 * ```ts
 * parseIrisArgs(['--epochs', '5', '--json']).epochs; // 5
 * ```
 */
export function parseIrisArgs(argv: readonly string[]): IrisArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv[0] === '--' ? argv.slice(1) : [...argv],
      options: {
        epochs: { type: 'string', default: '150' },
        lr: { type: 'string', default: '0.2' },
        'batch-size': { type: 'string', default: '16' },
        seed: { type: 'string', default: '0' },
        backend: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!);
  }
  const s = (k: string): string => values[k] as string;
  const backend = values['backend'] as string | undefined;
  if (backend !== undefined && backend !== 'wasm' && backend !== 'cpu') throw new UsageError(`--backend must be wasm or cpu, got '${backend}'`);
  return {
    epochs: num('epochs', s('epochs'), (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1'),
    lr: num('lr', s('lr'), (n) => Number.isFinite(n) && n > 0, 'a number > 0'),
    batchSize: num('batch-size', s('batch-size'), (n) => Number.isInteger(n) && n >= 1 && n <= 120, 'an integer from 1 to 120'),
    seed: num('seed', s('seed'), (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff, 'an integer from 0 to 2^32-1'),
    backend,
    out: values['out'] as string | undefined,
    json: values['json'] === true,
    help: values['help'] === true,
  };
}
