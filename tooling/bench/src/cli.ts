// Command line of `pnpm bench` (parsed without starting a backend; see run.ts).
import { intFlag, parseFlags, UsageError } from '@nnkit/tooling-cli';

export const USAGE = `usage: pnpm bench [-- --only REGEX] [--runs N] [--peer-once] [--list]

Times nnkit (wasm) against PyTorch CPU 1 thread, tfjs-layers and a same-MAC wasm GEMM in the same
run; writes tooling/bench/results/latest.json and latest.md. See tooling/bench/README.md.
  --only       regex on workload ids "<group>/<workload>" (e.g. 'eeg-steps|vision/lenet'); default all
  --runs       timed runs per workload after warm-up, medians (default 5, or $BENCH_RUNS)
  --peer-once  run PyTorch only before nnkit (default: before and after, averaged; or BENCH_PEER_TWICE=0)
  --list       print the groups and workload ids with the time estimate, and exit
  --help       this text`;

/** Parsed command line. */
export interface BenchArgs {
  only: RegExp | undefined;
  runs: number;
  peerTwice: boolean;
  list: boolean;
  help: boolean;
}

/** Parses `pnpm bench` arguments (a leading `--` is skipped); bad flags throw a UsageError. */
export function parseBenchArgs(argv: readonly string[], env: Record<string, string | undefined> = process.env): BenchArgs {
  const { values: v } = parseFlags(argv.filter((a, i) => !(a === '--' && i === 0)), {
    only: { type: 'string' },
    runs: { type: 'string' },
    'peer-once': { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  let only: RegExp | undefined;
  if (v['only'] !== undefined) {
    try {
      only = new RegExp(String(v['only']));
    } catch (e) {
      throw new UsageError(`--only must be a regular expression, got '${String(v['only'])}' (${(e as Error).message})`);
    }
  }
  const runs = intFlag('runs', v['runs'] ?? env['BENCH_RUNS'] ?? '5', 1, 1000);
  return { only, runs, peerTwice: v['peer-once'] !== true && env['BENCH_PEER_TWICE'] !== '0', list: v['list'] === true, help: v['help'] === true };
}
