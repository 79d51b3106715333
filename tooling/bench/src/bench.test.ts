// Smoke test of `pnpm bench`: the CLI, the registry, the table writer, and one tiny workload
// through the real child processes (no timing is asserted).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '@nnkit/tooling-cli';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './cli.js';
import { nnkitGroup, PYTHON, torchPeer } from './peers.js';
import { estimateSeconds, GROUPS, select } from './registry.js';
import { toMarkdown } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));
const hasTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch, torchvision, scipy'], { stdio: 'ignore' }).status === 0;

describe('bench CLI', () => {
  it('defaults to 5 runs, all workloads, PyTorch before and after', () => {
    const a = parseBenchArgs([], {});
    expect([a.runs, a.only, a.peerTwice, a.list]).toEqual([5, undefined, true, false]);
  });
  it('reads --only, --runs and --peer-once after a leading --', () => {
    const a = parseBenchArgs(['--', '--only', 'vision/lenet', '--runs', '3', '--peer-once'], {});
    expect([a.only?.test('vision/lenet-digits-epoch'), a.only?.test('vision/inception-v3-fwd-b1'), a.runs, a.peerTwice]).toEqual([true, false, 3, false]);
  });
  it('takes BENCH_RUNS and BENCH_PEER_TWICE=0 from the environment', () => {
    const a = parseBenchArgs([], { BENCH_RUNS: '7', BENCH_PEER_TWICE: '0' });
    expect([a.runs, a.peerTwice]).toEqual([7, false]);
  });
  it('rejects a bad regex, a bad run count and unknown flags', () => {
    expect(() => parseBenchArgs(['--only', '('], {})).toThrow(UsageError);
    expect(() => parseBenchArgs(['--runs', '0'], {})).toThrow(UsageError);
    expect(() => parseBenchArgs(['--fast'], {})).toThrow(UsageError);
  });
});

describe('bench registry', () => {
  it('has unique ids, a workload file per group and every id in its PyTorch script', () => {
    const ids = GROUPS.flatMap((g) => g.workloads.map((w) => `${g.name}/${w.id}`));
    expect(new Set(ids).size).toBe(ids.length);
    for (const g of GROUPS) {
      expect(existsSync(join(here, 'workloads', `${g.name}.ts`))).toBe(true);
      if (g.torch === undefined) continue;
      const py = readFileSync(join(here, '..', g.torch), 'utf8');
      for (const w of g.workloads) expect(py, `${g.torch} lacks ${w.id}`).toContain(`"${w.id}"`);
    }
  });
  it('covers the workloads of issue 16', () => {
    const ids = GROUPS.flatMap((g) => g.workloads.map((w) => `${g.name}/${w.id}`)).join(' ');
    for (const re of [/eegtcnet-step-3ch/, /eegtcnet-step-22ch/, /infer-b1 /, /infer-b288/, /eegnet-step/, /eeg-inception-tcn-step/, /inception-v3-fwd-b1/, /inception-v3-step-b8/, /lenet-digits-epoch/, /iris-recipe/, /attention\/SelfAttention2d/, /dataloader-2b/, /epoch-2b/]) expect(ids).toMatch(re);
  });
  it('selects by regex and estimates more time for more runs', () => {
    const sel = select(/^vision\/lenet|^iris\//);
    expect(sel.map((s) => [s.group.name, s.workloads.map((w) => w.id)])).toEqual([['vision', ['lenet-digits-epoch']], ['iris', ['iris-loop', 'iris-recipe']]]);
    expect(select(/nothing-matches/)).toEqual([]);
    expect(estimateSeconds(sel, 10, true)).toBeGreaterThan(estimateSeconds(sel, 5, true));
  });
});

describe('bench table', () => {
  it('prints ratios, — for missing peers, and samples/s', () => {
    const md = toMarkdown([{ id: 'g/w', workload: 'w', nnkit: 20, pytorch: 10, gemm: 5, samples: 100, peakTfjsBytes: 2 ** 21 }], { date: 'd', backend: 'wasm', runs: 5, peer: 'p', only: undefined, wallS: 1 });
    expect(md).toContain('| w | 20.00 | 10.00 | — | 5.00 | 2.00× | — | 4.00× | 2.0 | — | — | samples/s: nnkit 5,000, PyTorch 10,000 |');
  });
});

describe('bench smoke run (1 run, the temporal conv; no timing asserted)', () => {
  it('runs a group in its own nnkit process and returns a complete row', { timeout: 120_000 }, () => {
    const { backend, rows } = nnkitGroup('front-end', ['temporal-conv-fwd'], 1);
    expect(['wasm', 'cpu']).toContain(backend);
    expect(rows.map((r) => r.id)).toEqual(['front-end/temporal-conv-fwd']);
    expect(rows[0]!.nnkit).toBeGreaterThan(0);
    expect(rows[0]!.gemm).toBeGreaterThan(0);
    expect(rows[0]!.peakTfjsBytes).toBeGreaterThan(0);
  });
  it.skipIf(!hasTorch)('runs the PyTorch peer of that workload (skipped: no /usr/bin/python3 with torch, torchvision, scipy)', { timeout: 120_000 }, () => {
    const cells = torchPeer('torch_eeg.py', ['temporal-conv-fwd'], 1);
    expect(cells?.['temporal-conv-fwd']?.ms).toBeGreaterThan(0);
  });
  it('prints the workload list and estimate without starting a backend', { timeout: 60_000 }, () => {
    const out = execFileSync(process.execPath, ['--conditions=@nnkit/source', '--import', 'tsx', join(here, 'run.ts'), '--list', '--only', 'attention'], { encoding: 'utf8' });
    expect(out).toContain('attention/EfficientAttention');
    expect(out).toMatch(/estimate: \d+ min/);
  });
});
