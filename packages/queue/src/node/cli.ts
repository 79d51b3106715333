#!/usr/bin/env node
// nnkit-worker: takes grid-search trials from a BullMQ queue in Redis and runs them.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { NnkitError } from '@nnkit/tensor';
import { startQueueWorker } from './worker.js';

const USAGE = `usage: nnkit-worker --queue redis://HOST:PORT [--name QUEUE] [--trial MODULE] [--export NAME] [--setup NAME]
                    [--concurrency N] [--storage DIR] [--lock-ms MS] [--stalled-ms MS] [--progress-ms MS]
                    [--trial-node-flags=FLAGS] [--quiet]

Runs grid-search trials queued by gridSearch({ executor: queueExecutor(...) }), one trial per process.
  --queue        Redis address (required), e.g. redis://10.0.0.5:6379
  --name         queue name (default nnkit-search; the coordinator's 'queue' option)
  --trial        the trial module on this machine (default: the path the coordinator gave)
  --export       export of the trial function (default: the coordinator's, usually 'trial')
  --setup        export run once per trial process first (default: the coordinator's)
  --concurrency  trials at once, each in its own process (default 1; wasm uses one core per trial)
  --storage      shared folder for trial checkpoints, so a retried trial resumes (default: the coordinator's)
  --lock-ms      job lock time; a dead worker's trial is retried after about this long (default 30000)
  --stalled-ms   how often to look for trials of dead workers (default 30000)
  --progress-ms  forward a trial's progress at most once per MS, the latest winning (default 1000; 0: every report)
  --trial-node-flags  Node/V8 flags added to the trial processes', e.g. --trial-node-flags=--single-threaded
                 (V8 without background threads: one core per trial, for concurrency = cores);
                 trial processes get --max-semi-space-size=32 unless these flags set it
  --quiet        print only errors
  --help         this text`;

function usageError(msg: string): never {
  process.stderr.write(`nnkit-worker: ${msg}\n${USAGE.split('\n')[0]}\n`);
  process.exit(2);
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) usageError(`--${name} must be an integer >= ${min}, got '${v}'`);
  return n;
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        queue: { type: 'string' },
        name: { type: 'string' },
        trial: { type: 'string' },
        export: { type: 'string' },
        setup: { type: 'string' },
        concurrency: { type: 'string' },
        storage: { type: 'string' },
        'lock-ms': { type: 'string' },
        'stalled-ms': { type: 'string' },
        'progress-ms': { type: 'string' },
        'trial-node-flags': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    usageError((e as Error).message.split('\n')[0]!);
  }
  if (values['help']) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const queue = values['queue'] as string | undefined;
  if (!queue) usageError('--queue is required');
  const quiet = values['quiet'] === true;
  const str = (k: string): string | undefined => values[k] as string | undefined;
  // paths are relative to where the command was typed (pnpm runs scripts in the package folder)
  const cwd = process.env['INIT_CWD'] ?? process.cwd();
  for (const k of ['trial', 'storage']) if (str(k) !== undefined && !/^[a-z]+:/i.test(str(k)!)) values[k] = resolve(cwd, str(k)!);
  const trial = { ...(str('trial') ? { module: str('trial')! } : {}), ...(str('export') ? { export: str('export')! } : {}), ...(str('setup') ? { setup: str('setup')! } : {}) };
  const concurrency = int('concurrency', str('concurrency'), 1);
  const lockMs = int('lock-ms', str('lock-ms'), 100);
  const stalledIntervalMs = int('stalled-ms', str('stalled-ms'), 100);
  const progressMs = int('progress-ms', str('progress-ms'), 0);
  const trialFlags = (str('trial-node-flags') ?? '').split(/\s+/).filter(Boolean);
  const badFlag = trialFlags.find((f) => !f.startsWith('-'));
  if (badFlag !== undefined) usageError(`--trial-node-flags takes Node/V8 flags (each starting with '-'), got '${badFlag}'`);
  const worker = await startQueueWorker({
    connection: queue,
    ...(str('name') ? { queue: str('name')! } : {}),
    trial,
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(str('storage') ? { storage: str('storage')! } : {}),
    ...(lockMs !== undefined ? { lockMs } : {}),
    ...(stalledIntervalMs !== undefined ? { stalledIntervalMs } : {}),
    ...(progressMs !== undefined ? { progressMs } : {}),
    ...(trialFlags.length ? { execArgv: [...process.execArgv, ...trialFlags] } : {}),
    log: (line) => {
      if (!quiet || line.startsWith('failed') || line.startsWith('queue error')) process.stdout.write(`${new Date().toISOString()} ${line}\n`);
    },
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stdout.write('nnkit-worker: finishing the running trials (Ctrl-C again to quit now)\n');
    void worker.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`nnkit-worker: ${e instanceof NnkitError ? e.message : e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
