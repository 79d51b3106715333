/**
 * `pnpm bench` (attention part; alone: `pnpm --filter @nnkit/tooling-bench bench:attention`):
 * time and peak memory vs N = H·W of the attention modules of `@nnkit/attention` at C = 64,
 * batch 1 — SelfAttention2d, CrissCrossAttention (R = 1), InterlacedSparseSelfAttention (8 × 8
 * blocks), EfficientAttention (2 heads) and SpatialReductionAttention (sr 4) — forward (eval)
 * and forward + backward (train, parameter gradients of sum(y)), nnkit on wasm with PyTorch CPU
 * 1 thread (Debian python3-torch, when installed) measured in the same run, just before nnkit
 * for each module and mode. Wall-clock and process CPU time (medians), kernels per call, peak
 * memory. Writes `attention.json`, `attention.md` and a log-log plot `attention.png` / `.svg`
 * (default folder `tooling/bench/results`).
 *
 * Flags (environment variables in brackets): `--runs N` [BENCH_RUNS] timed calls per cell
 * (default 5; half of that, at least 3, above N = 1024), `--modules A,B` [BENCH_ATTENTION_MODULES],
 * `--sizes 256,1024` [BENCH_ATTENTION_SIZES] (default 256,576,1024,2304,4096), `--modes
 * forward,backward`, `--no-torch`, `--out DIR`, `--plot wall|cpu` (the plot's time: wall clock,
 * the default, or process CPU time, steadier on a loaded machine), `--from-json FILE` (no
 * measuring: the table and plot again from a previous run's attention.json).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CrissCrossAttention,
  EfficientAttention,
  InterlacedSparseSelfAttention,
  SelfAttention2d,
  SpatialReductionAttention,
} from '@nnkit/attention';
import type { Plot } from '@nnkit/metrics';
import { writePlot } from '@nnkit/metrics/plots-node';
import { backward, type Module } from '@nnkit/nn';
import { ArgumentError, initBackend } from '@nnkit/tensor';
import { memory, profile, randomNormal, reshape, slice, sum, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { median } from './stats.js';
import { torchEnv } from './peers.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string' },
    modules: { type: 'string' },
    sizes: { type: 'string' },
    modes: { type: 'string' },
    'no-torch': { type: 'boolean' },
    plot: { type: 'string' },
    'from-json': { type: 'string' },
    out: { type: 'string' },
  },
});
const list = (v: string | undefined): string[] | undefined => v?.split(',').filter((x) => x !== '');
const runs = Number(args.runs ?? process.env.BENCH_RUNS ?? 5);
const sizes = (list(args.sizes ?? process.env.BENCH_ATTENTION_SIZES) ?? ['256', '576', '1024', '2304', '4096']).map(Number).sort((a, b) => a - b);
const C = 64;
type Mode = 'forward' | 'backward';
const modes = (list(args.modes) ?? ['forward', 'backward']) as Mode[];
const plotTime = args.plot ?? 'wall';
if (plotTime !== 'wall' && plotTime !== 'cpu') throw new ArgumentError('bench:attention', `--plot takes wall or cpu, got '${plotTime}'`);
const outDir = resolve(process.env.INIT_CWD ?? process.cwd(), args.out ?? join(here, '..', 'results'));

const allModules: Record<string, () => Module> = {
  SelfAttention2d: () => new SelfAttention2d(C),
  CrissCrossAttention: () => new CrissCrossAttention(C),
  InterlacedSparseSelfAttention: () => new InterlacedSparseSelfAttention(C, C / 2, C / 2, C, { block: [8, 8] }),
  EfficientAttention: () => new EfficientAttention(C, C / 2, C, { headCount: 2 }),
  SpatialReductionAttention: () => new SpatialReductionAttention(C, { numHeads: 1, srRatio: 4 }),
};
const only = list(args.modules ?? process.env.BENCH_ATTENTION_MODULES);
for (const k of only ?? []) if (!(k in allModules)) throw new ArgumentError('bench:attention', `unknown module '${k}'; expected some of ${Object.keys(allModules).join(', ')}`);
for (const m of modes) if (m !== 'forward' && m !== 'backward') throw new ArgumentError('bench:attention', `unknown mode '${m}'; expected forward and/or backward`);
if (!Number.isInteger(runs) || runs < 1 || sizes.some((n) => !Number.isInteger(n) || n < 4)) throw new ArgumentError('bench:attention', `--runs and --sizes take positive integers, got ${runs} and ${sizes.join(',')}`);
const modules = Object.fromEntries(Object.entries(allModules).filter(([k]) => only === undefined || only.includes(k)));
const claims: Record<string, string> = {
  SelfAttention2d: 'O(N²)',
  CrissCrossAttention: 'O(N·√N)',
  InterlacedSparseSelfAttention: 'O(N·√N) (8×8 blocks: O(N²/64 + 64·N))',
  EfficientAttention: 'O(N)',
  SpatialReductionAttention: 'O(N²/16)',
};

interface Cell {
  ms: number;
  cpuMs: number;
  peakBytes: number;
  kernels?: number;
}
type Results = Record<string, Record<Mode, Record<number, { nnkit: Cell; torch: Cell | null }>>>;

function hw(n: number): [number, number] {
  const h = Math.round(Math.sqrt(n));
  return [h, Math.floor(n / h)];
}

function torchPeer(name: string, mode: Mode): Record<number, Cell> | null {
  const py = '/usr/bin/python3';
  if (args['no-torch'] || !existsSync(py)) return null;
  try {
    const out = execFileSync(py, [join(here, '..', 'torch_attention.py'), name, mode, ...sizes.map(String)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: torchEnv({ BENCH_RUNS: String(runs) }),
    });
    return JSON.parse(out.trim().split('\n').pop()!) as Record<number, Cell>;
  } catch {
    return null;
  }
}

async function measure(name: string, mode: Mode, n: number): Promise<Cell> {
  const m = modules[name]!();
  const [h, w] = hw(n);
  const sra = name === 'SpatialReductionAttention';
  const x = sra ? randomNormal([1, h * w, C]) : randomNormal([1, C, h, w]);
  const call = (): Tensor => (sra ? (m as SpatialReductionAttention).call(x, h, w) : (m as Module & { call(x: Tensor): Tensor }).call(x));
  let fn: () => void;
  if (mode === 'forward') {
    m.eval();
    // One output value read back: the wasm and cpu backends compute synchronously, so the output
    // exists when call() returns; reading all of it would time a copy out of the wasm heap
    // (256 KiB at N = 1024) that PyTorch's forward does not make.
    fn = () => tidy(() => void slice(reshape(call(), [-1]), [0], [1]).dataSync());
  } else {
    m.train();
    fn = () => {
      m.zeroGrad();
      backward(() => sum(call()), m).dispose();
      for (const p of m.parameters()) p.grad?.dataSync();
    };
  }
  // warm-up: V8 optimises the JavaScript around the kernels over the first few dozen calls
  const t0 = performance.now();
  for (let i = 0; i < 20 && (i < 2 || performance.now() - t0 < 500); i++) fn();
  const base = memory().numBytes;
  const prof = await profile(fn);
  const r = n <= 1024 ? runs : Math.max(3, Math.floor(runs / 2));
  fn();
  const ts: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < r; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cs.push((d.user + d.system) / 1000);
  }
  m.zeroGrad();
  m.dispose();
  x.dispose();
  return { ms: median(ts), cpuMs: median(cs), peakBytes: prof.peakBytes - base, kernels: prof.kernels.length };
}

function plot(results: Results): Plot {
  const values: Array<Record<string, unknown>> = [];
  for (const [name, byMode] of Object.entries(results)) {
    for (const mode of modes) {
      for (const [n, c] of Object.entries(byMode[mode])) {
        const panel = mode === 'forward' ? 'forward' : 'forward + backward';
        const t = (cell: Cell): number => (plotTime === 'cpu' ? cell.cpuMs : cell.ms);
        values.push({ module: name, N: Number(n), ms: t(c.nnkit), impl: 'nnkit (wasm)', panel });
        if (c.torch) values.push({ module: name, N: Number(n), ms: t(c.torch), impl: 'PyTorch CPU, 1 thread', panel });
      }
    }
  }
  return {
    kind: 'attentionBenchmark',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: `Attention modules at C = ${C}: time vs N = H·W (log-log)`,
      data: { values },
      facet: { column: { field: 'panel', type: 'nominal', title: null, sort: ['forward', 'forward + backward'] } },
      spec: {
        width: 340,
        height: 300,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'N', type: 'quantitative', scale: { type: 'log', base: 2 }, axis: { values: sizes }, title: 'N = H·W' },
          y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: plotTime === 'cpu' ? 'process CPU time (ms, median)' : 'time (ms, median)' },
          color: { field: 'module', type: 'nominal', title: 'module' },
          strokeDash: { field: 'impl', type: 'nominal', title: 'implementation', legend: { symbolType: 'stroke', symbolStrokeColor: '#444', symbolStrokeWidth: 2, symbolSize: 400 } },
        },
      },
      config: { background: 'white', font: 'sans-serif', legend: { labelLimit: 260 } },
    },
  };
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const t0 = performance.now();
  console.log(`attention bench — backend ${backend}, C = ${C}, N = ${sizes.join(', ')}, ${runs} runs (≥ 3 above N = 1024), medians`);
  let results: Results = {};
  if (args['from-json'] !== undefined) {
    results = (JSON.parse(readFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), args['from-json']), 'utf8')) as { results: Results }).results;
    for (const k of Object.keys(results)) if (!(k in modules)) delete results[k];
  }
  for (const name of args['from-json'] === undefined ? Object.keys(modules) : []) {
    results[name] = { forward: {}, backward: {} };
    for (const mode of modes) {
      const peer = torchPeer(name, mode);
      for (const n of sizes) {
        const nnkit = await measure(name, mode, n);
        results[name]![mode][n] = { nnkit, torch: peer?.[n] ?? null };
        const p = peer?.[n];
        console.log(`${name} ${mode} N=${n}: nnkit ${nnkit.ms.toFixed(2)} ms (CPU ${nnkit.cpuMs.toFixed(2)}), PyTorch ${p ? `${p.ms.toFixed(2)} ms (CPU ${p.cpuMs.toFixed(2)})` : '—'}`);
      }
    }
  }
  const f = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(1));
  const mb = (v: number | undefined): string => (v === undefined ? '—' : (v / 2 ** 20).toFixed(1));
  const x = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? '—' : `${(a / b).toFixed(2)}×`);
  const lines = [
    `Attention modules, C = ${C}, batch 1; nnkit on ${backend}, PyTorch CPU 1 thread, same run (PyTorch just before nnkit per module and mode); medians of ${runs} calls (≥ 3 above N = 1024); CPU = process CPU time.`,
    '',
    '| module | mode | N | nnkit ms | PyTorch ms | ratio (wall) | nnkit CPU ms | PyTorch CPU ms | ratio (CPU) | kernels/call | nnkit peak MiB | PyTorch peak RSS growth MiB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [name, byMode] of Object.entries(results)) {
    for (const mode of modes) {
      for (const n of sizes) {
        const c = byMode[mode][n]!;
        const t = c.torch ?? undefined;
        lines.push(`| ${name} | ${mode === 'forward' ? 'forward' : 'fwd+bwd'} | ${n} | ${f(c.nnkit.ms)} | ${f(t?.ms)} | ${x(c.nnkit.ms, t?.ms)} | ${f(c.nnkit.cpuMs)} | ${f(t?.cpuMs)} | ${x(c.nnkit.cpuMs, t?.cpuMs)} | ${c.nnkit.kernels ?? '—'} | ${mb(c.nnkit.peakBytes)} | ${mb(t?.peakBytes)} |`);
      }
    }
  }
  const summary: Record<string, unknown> = {};
  const [lo, hi] = [1024, 4096];
  if (sizes.includes(lo) && sizes.includes(hi)) {
    lines.push('', `time(${hi}) / time(${lo}), wall / CPU:`, '', '| module | claimed | mode | nnkit | PyTorch | nnkit peak memory ratio |', '| --- | --- | --- | --- | --- | --- |');
    for (const [name, byMode] of Object.entries(results)) {
      for (const mode of modes) {
        const [a, b] = [byMode[mode][lo]!, byMode[mode][hi]!];
        const r = (u: Cell | null | undefined, v: Cell | null | undefined): [number, number] | null => (u && v ? [v.ms / u.ms, v.cpuMs / u.cpuMs] : null);
        const rn = r(a.nnkit, b.nnkit);
        const rt = r(a.torch, b.torch);
        const fmt = (q: [number, number] | null): string => (q ? `${q[0].toFixed(1)} / ${q[1].toFixed(1)}` : '—');
        ((summary[name] ??= {}) as Record<string, unknown>)[mode] = { claimed: claims[name], nnkit: rn, torch: rt, vsTorchAt1024: a.torch ? [a.nnkit.ms / a.torch.ms, a.nnkit.cpuMs / a.torch.cpuMs] : null };
        lines.push(`| ${name} | ${claims[name]} | ${mode === 'forward' ? 'forward' : 'fwd+bwd'} | ${fmt(rn)} | ${fmt(rt)} | ${(b.nnkit.peakBytes / a.nnkit.peakBytes).toFixed(2)} |`);
      }
    }
  }
  const md = lines.join('\n');
  console.log(`\n${md}`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'attention.md'), `${md}\n`);
  writeFileSync(join(outDir, 'attention.json'), JSON.stringify({ date: new Date().toISOString(), backend, C, sizes, runs, modes, results, summary }, null, 2));
  await writePlot(plot(results), join(outDir, 'attention.png'));
  await writePlot(plot(results), join(outDir, 'attention.svg'));
  console.log(`\nwrote ${join(outDir, 'attention.md')}, attention.json, attention.png, attention.svg (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

await main();
