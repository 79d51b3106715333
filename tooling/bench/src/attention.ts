/**
 * `pnpm bench` (attention part): time and peak memory vs N = H·W of the attention modules of
 * `@nnkit/attention` at C = 64, batch 1 — SelfAttention2d, CrissCrossAttention (R = 1),
 * InterlacedSparseSelfAttention (8 × 8 blocks), EfficientAttention (2 heads) and
 * SpatialReductionAttention (sr 4) — forward (eval) and forward + backward (train, parameter
 * gradients of sum(y)), nnkit on wasm with PyTorch CPU 1 thread (Debian python3-torch, when
 * installed) measured in the same run. Writes `results/attention.json`, `results/attention.md`
 * and a log-log plot `results/attention.png`. BENCH_RUNS sets the timed runs (default 5; half
 * of that, at least 3, above N = 1024). BENCH_ATTENTION_SIZES overrides the sizes,
 * BENCH_ATTENTION_MODULES (comma-separated names) picks modules.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { initBackend } from '@nnkit/tensor';
import { memory, profile, randomNormal, sum, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { timeMs } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const sizes = (process.env.BENCH_ATTENTION_SIZES ?? '256,576,1024,2304,4096').split(',').map(Number);
const C = 64;
type Mode = 'forward' | 'backward';
const modes: Mode[] = ['forward', 'backward'];

const allModules: Record<string, () => Module> = {
  SelfAttention2d: () => new SelfAttention2d(C),
  CrissCrossAttention: () => new CrissCrossAttention(C),
  InterlacedSparseSelfAttention: () => new InterlacedSparseSelfAttention(C, C / 2, C / 2, C, { block: [8, 8] }),
  EfficientAttention: () => new EfficientAttention(C, C / 2, C, { headCount: 2 }),
  SpatialReductionAttention: () => new SpatialReductionAttention(C, { numHeads: 1, srRatio: 4 }),
};
const only = process.env.BENCH_ATTENTION_MODULES?.split(',');
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
  peakBytes: number;
}
type Results = Record<string, Record<Mode, Record<number, { nnkit: Cell; torch: Cell | null }>>>;

function hw(n: number): [number, number] {
  const h = Math.round(Math.sqrt(n));
  return [h, Math.floor(n / h)];
}

function torchPeer(name: string, mode: Mode): Record<number, Cell> | null {
  const py = '/usr/bin/python3';
  if (!existsSync(py)) return null;
  try {
    const out = execFileSync(py, [join(here, '..', 'torch_attention.py'), name, mode, ...sizes.map(String)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, BENCH_RUNS: String(runs) },
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
    fn = () => tidy(() => void call().dataSync());
  } else {
    m.train();
    fn = () => {
      m.zeroGrad();
      backward(() => sum(call()), m).dispose();
      for (const p of m.parameters()) p.grad?.dataSync();
    };
  }
  fn();
  const base = memory().numBytes;
  const prof = await profile(fn);
  const r = n <= 1024 ? runs : Math.max(3, Math.floor(runs / 2));
  const ms = await timeMs(fn, r, 1);
  m.zeroGrad();
  m.dispose();
  x.dispose();
  return { ms, peakBytes: prof.peakBytes - base };
}

function plot(results: Results): Plot {
  const values: Array<Record<string, unknown>> = [];
  for (const [name, byMode] of Object.entries(results)) {
    for (const mode of modes) {
      for (const [n, c] of Object.entries(byMode[mode])) {
        const panel = mode === 'forward' ? 'forward' : 'forward + backward';
        values.push({ module: name, N: Number(n), ms: c.nnkit.ms, impl: 'nnkit (wasm)', panel });
        if (c.torch) values.push({ module: name, N: Number(n), ms: c.torch.ms, impl: 'PyTorch CPU, 1 thread', panel });
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
          y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'time (ms, median)' },
          color: { field: 'module', type: 'nominal', title: 'module' },
          strokeDash: { field: 'impl', type: 'nominal', title: 'implementation', legend: { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 400 } },
        },
      },
      config: { background: 'white', font: 'sans-serif', legend: { labelLimit: 260 } },
    },
  };
}

async function main(): Promise<void> {
  const backend = await initBackend();
  console.log(`attention bench — backend ${backend}, C = ${C}, N = ${sizes.join(', ')}, ${runs} runs, medians`);
  const results: Results = {};
  for (const name of Object.keys(modules)) {
    results[name] = { forward: {}, backward: {} };
    for (const mode of modes) {
      const peer = torchPeer(name, mode);
      for (const n of sizes) {
        const nnkit = await measure(name, mode, n);
        results[name]![mode][n] = { nnkit, torch: peer?.[n] ?? null };
        console.log(`${name} ${mode} N=${n}: nnkit ${nnkit.ms.toFixed(2)} ms, PyTorch ${peer?.[n]?.ms.toFixed(2) ?? '—'} ms`);
      }
    }
  }
  const f = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(1));
  const mb = (v: number | undefined): string => (v === undefined ? '—' : (v / 2 ** 20).toFixed(1));
  const lines = [
    `Attention modules, C = ${C}, batch 1; nnkit on ${backend}, PyTorch CPU 1 thread, same run (medians; shared machine: absolute figures are noisy, ratios more robust).`,
    '',
    '| module | mode | N | nnkit ms | PyTorch ms | nnkit / PyTorch | nnkit peak MiB | PyTorch peak RSS growth MiB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [name, byMode] of Object.entries(results)) {
    for (const mode of modes) {
      for (const n of sizes) {
        const c = byMode[mode][n]!;
        const ratio = c.torch ? `${(c.nnkit.ms / c.torch.ms).toFixed(2)}×` : '—';
        lines.push(`| ${name} | ${mode === 'forward' ? 'forward' : 'fwd+bwd'} | ${n} | ${f(c.nnkit.ms)} | ${f(c.torch?.ms)} | ${ratio} | ${mb(c.nnkit.peakBytes)} | ${mb(c.torch?.peakBytes)} |`);
      }
    }
  }
  lines.push('', '| module | claimed | nnkit fwd time(4096)/time(1024) | PyTorch fwd time(4096)/time(1024) | nnkit fwd+bwd ratio | nnkit peak memory ratio (fwd) |', '| --- | --- | --- | --- | --- | --- |');
  const summary: Record<string, unknown> = {};
  for (const [name, byMode] of Object.entries(results)) {
    const fw = byMode.forward;
    const bw = byMode.backward;
    if (!fw[4096] || !fw[1024]) continue;
    const r = fw[4096].nnkit.ms / fw[1024].nnkit.ms;
    const rt = fw[4096].torch && fw[1024].torch ? fw[4096].torch.ms / fw[1024].torch.ms : undefined;
    const rb = bw[4096]!.nnkit.ms / bw[1024]!.nnkit.ms;
    const rm = fw[4096].nnkit.peakBytes / fw[1024].nnkit.peakBytes;
    summary[name] = { claimed: claims[name], forwardRatio4096over1024: r, torchForwardRatio: rt, backwardRatio: rb, peakMemoryRatio: rm, vsTorchAt1024Forward: fw[1024].torch ? fw[1024].nnkit.ms / fw[1024].torch.ms : null };
    lines.push(`| ${name} | ${claims[name]} | ${r.toFixed(2)} | ${rt?.toFixed(2) ?? '—'} | ${rb.toFixed(2)} | ${rm.toFixed(2)} |`);
  }
  const md = lines.join('\n');
  console.log(`\n${md}`);
  const dir = join(here, '..', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'attention.md'), `${md}\n`);
  writeFileSync(join(dir, 'attention.json'), JSON.stringify({ date: new Date().toISOString(), backend, C, sizes, runs, results, summary }, null, 2));
  await writePlot(plot(results), join(dir, 'attention.png'));
  console.log(`\nwrote ${join(dir, 'attention.md')}, attention.json, attention.png`);
}

await main();
