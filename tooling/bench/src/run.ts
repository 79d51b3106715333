/**
 * `pnpm bench`: nnkit/wasm workloads against peers measured in the same run — PyTorch CPU with
 * one thread (Debian python3-torch; one Python process per group, before and after nnkit,
 * averaged), tfjs-layers on the same wasm backend where it can express the model, and beside
 * each conv workload a same-MAC wasm GEMM (nnkit's distance to this machine's wasm rate).
 * Medians of `--runs` (default 5) after warm-up, peak tfjs bytes and peak RSS; writes
 * `tooling/bench/results/latest.json` and `latest.md`. Workloads: `src/registry.ts`, one file
 * per group in `src/workloads/`. See tooling/bench/README.md.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '@nnkit/tooling-cli';
import { parseBenchArgs, USAGE } from './cli.js';
import { meanPeer, nnkitGroup, PYTHON, torchPeer } from './peers.js';
import { estimateSeconds, select } from './registry.js';
import type { Row } from './row.js';
import { writeResults } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));
const mmss = (s: number): string => `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.help) return void process.stdout.write(`${USAGE}\n`);
  const sel = select(args.only);
  const est = estimateSeconds(sel, args.runs, args.peerTwice);
  if (args.list) {
    for (const { group, workloads } of sel) {
      process.stdout.write(`${group.name} — ${group.title}\n${workloads.map((x) => `  ${group.name}/${x.id}  (~${(x.fixedS + args.runs * x.perRunS).toFixed(0)} s)`).join('\n')}\n`);
    }
    return void process.stdout.write(`estimate: ${mmss(est)} on a quiet 2-core machine (${args.runs} runs)\n`);
  }
  if (sel.length === 0) return void process.stderr.write(`bench: --only ${String(args.only)} selects no workload (see --list)\n`);
  const n = sel.reduce((a, g) => a + g.workloads.length, 0);
  console.log(`nnkit bench — ${n} workloads in ${sel.length} groups, ${args.runs} runs; estimate ${mmss(est)} on a quiet 2-core machine (several × that on a loaded one)`);
  const t0 = performance.now();
  const rows: Row[] = [];
  let backend = '?';
  let peerSeen = false;
  const failed: string[] = [];
  const write = (): string =>
    writeResults(join(here, '..', 'results'), rows, {
      date: new Date().toISOString(),
      backend,
      runs: args.runs,
      peer: peerSeen ? `CPU 1 thread (${PYTHON}), ${args.peerTwice ? 'mean of a run before and after nnkit' : 'one run before nnkit'}` : `not available (${PYTHON} with torch)`,
      only: args.only?.source,
      wallS: (performance.now() - t0) / 1000,
      ...(failed.length > 0 ? { failed } : {}),
    });
  for (const { group, workloads } of sel) {
    const ids = workloads.map((x) => x.id);
    const g0 = performance.now();
    console.log(`${group.name}: ${ids.join(', ')}`);
    const before = group.torch !== undefined ? torchPeer(group.torch, ids, args.runs) : null;
    let nn: ReturnType<typeof nnkitGroup>;
    try {
      nn = nnkitGroup(group.name, ids, args.runs);
    } catch (e) {
      failed.push(group.name);
      console.error(`${group.name}: the nnkit process failed (${(e as Error).message.split('\n')[0]}); its rows are left out`);
      continue;
    }
    backend = nn.backend;
    const after = group.torch !== undefined && args.peerTwice ? torchPeer(group.torch, ids, args.runs) : null;
    const torch = meanPeer(before, after);
    for (const row of nn.rows) {
      const cell = torch?.[row.id.split('/')[1]!];
      if (cell) {
        row.pytorch = cell.ms;
        row.torchRssMb = cell.rssMb;
        row.torchCpuMs = cell.cpuMs;
      }
      peerSeen ||= row.pytorch !== undefined;
      rows.push(row);
    }
    console.log(`${group.name}: done in ${((performance.now() - g0) / 1000).toFixed(0)} s`);
    write(); // after every group, so an interrupted run keeps what it measured
  }
  const md = write();
  if (failed.length > 0) process.exitCode = 1;
  console.log(`\n${md}\n\nwrote tooling/bench/results/latest.md and latest.json`);
}

runCommand('bench', USAGE, main);
