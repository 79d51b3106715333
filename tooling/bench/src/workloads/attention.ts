// Group attention: the attention modules at N = 1024 and 4096 (C = 64, batch 1), forward and
// fwd+bwd, nnkit and PyTorch — measured by the attention bench (src/attention.ts, run as is in a
// child process with BENCH_ATTENTION_SIZES=1024,4096 and the selected modules; it also rewrites
// results/attention.{md,json,png} for those sizes), its JSON turned into summary rows.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GroupContext } from '../group-main.js';
import type { Row } from '../row.js';

const here = dirname(fileURLToPath(import.meta.url));
interface Cell {
  ms: number;
  peakBytes: number;
}
type Results = Record<string, Record<'forward' | 'backward', Record<string, { nnkit: Cell; torch: Cell | null }>>>;

export async function run({ runs, ids, log }: GroupContext): Promise<Row[]> {
  const modules = [...ids];
  log(`attention bench (src/attention.ts) for ${modules.join(', ')}`);
  execFileSync(process.execPath, ['--conditions=@nnkit/source', '--import', 'tsx', join(here, '..', 'attention.ts')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, BENCH_RUNS: String(runs), BENCH_ATTENTION_SIZES: '1024,4096', BENCH_ATTENTION_MODULES: modules.join(',') },
  });
  const { results } = JSON.parse(readFileSync(join(here, '..', '..', 'results', 'attention.json'), 'utf8')) as { results: Results };
  const rows: Row[] = [];
  for (const name of modules) {
    for (const mode of ['forward', 'backward'] as const) {
      for (const n of ['1024', '4096']) {
        const c = results[name]?.[mode]?.[n];
        if (!c) continue;
        rows.push({
          id: `attention/${name}/${mode}/${n}`,
          workload: `${name} ${mode === 'forward' ? 'forward (eval)' : 'fwd+bwd'}, N = ${n} (C = 64, batch 1)`,
          nnkit: c.nnkit.ms,
          pytorch: c.torch?.ms,
          peakTfjsBytes: c.nnkit.peakBytes,
          note: c.torch ? `PyTorch RSS growth ${(c.torch.peakBytes / 2 ** 20).toFixed(0)} MiB` : undefined,
        });
      }
    }
  }
  return rows;
}
