/**
 * nnkit (wasm) against PyTorch CPU (1 thread) at given N, measured interleaved: each round runs the
 * PyTorch peer then nnkit for every module, so both see the same machine load. Reports the medians
 * over rounds of per-round medians, wall-clock and CPU time (process CPU time is far less
 * sensitive to a loaded machine than wall-clock time).
 * `node --conditions=@nnkit/source --import tsx src/attention-compare.ts` with COMPARE_N (default
 * 1024; a comma-separated list interleaves sizes too), COMPARE_ROUNDS (5), COMPARE_RUNS per round (5), COMPARE_MODES (forward,backward) and
 * BENCH_ATTENTION_MODULES; COMPARE_WARMUP (20) calls warm nnkit up before its first round;
 * COMPARE_READ=one reads one output value back per forward instead of the whole output (on wasm the
 * kernels have run when `call` returns; a 256 KiB `dataSync()` copy cost ~1 ms per call on the
 * loaded, sandboxed dev machine, which PyTorch's timing has no counterpart of). With two or more sizes it also prints time(largest N) / time(smallest
 * N) per module and mode (medians over rounds), nnkit and PyTorch, wall and CPU.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CrissCrossAttention, EfficientAttention, InterlacedSparseSelfAttention, SelfAttention2d, SpatialReductionAttention } from '@nnkit/attention';
import { backward, type Module } from '@nnkit/nn';
import { initBackend } from '@nnkit/tensor';
import { randomNormal, reshape, slice, sum, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { median } from './stats.js';
import { torchEnv } from './peers.js';

const here = dirname(fileURLToPath(import.meta.url));
const C = 64;
const ns = (process.env.COMPARE_N ?? '1024').split(',').map(Number);
const rounds = Number(process.env.COMPARE_ROUNDS ?? 5);
const runs = Number(process.env.COMPARE_RUNS ?? 5);
// warm-up calls before the first timed round of each module, mode and N: V8 needs a few dozen
// calls to optimise the JavaScript around the kernels (one warm-up call left CPU times ~2× high)
const warmup = Number(process.env.COMPARE_WARMUP ?? 20);
const warmed = new Set<string>();
const modes = (process.env.COMPARE_MODES ?? 'forward,backward').split(',') as Array<'forward' | 'backward'>;
const all: Record<string, () => Module> = {
  SelfAttention2d: () => new SelfAttention2d(C),
  CrissCrossAttention: () => new CrissCrossAttention(C),
  InterlacedSparseSelfAttention: () => new InterlacedSparseSelfAttention(C, C / 2, C / 2, C, { block: [8, 8] }),
  EfficientAttention: () => new EfficientAttention(C, C / 2, C, { headCount: 2 }),
  SpatialReductionAttention: () => new SpatialReductionAttention(C, { numHeads: 1, srRatio: 4 }),
};
const names = process.env.BENCH_ATTENTION_MODULES?.split(',') ?? ['CrissCrossAttention', 'InterlacedSparseSelfAttention', 'EfficientAttention'];
function hw(n: number): [number, number] {
  const h = Math.round(Math.sqrt(n));
  return [h, Math.floor(n / h)];
}

function torch(name: string, mode: string, n: number): { ms: number; cpuMs: number } {
  const out = execFileSync('/usr/bin/python3', [join(here, '..', 'torch_attention.py'), name, mode, String(n)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    env: torchEnv({ BENCH_RUNS: String(runs) }),
  });
  return (JSON.parse(out.trim().split('\n').pop()!) as Record<number, { ms: number; cpuMs: number }>)[n]!;
}

function nnkit(m: Module, x: Tensor, mode: string, n: number): { ms: number; cpuMs: number } {
  const [h, w] = hw(n);
  const sra = m instanceof SpatialReductionAttention;
  const call = (): Tensor => (sra ? m.call(x, h, w) : (m as Module & { call(x: Tensor): Tensor }).call(x));
  const readOne = process.env.COMPARE_READ === 'one';
  const fn =
    mode === 'forward'
      ? () => tidy(() => void (readOne ? slice(reshape(call(), [-1]), [0], [1]) : call()).dataSync())
      : () => {
          m.zeroGrad();
          backward(() => sum(call()), m).dispose();
          for (const p of m.parameters()) p.grad?.dataSync();
        };
  if (mode === 'forward') m.eval();
  else m.train();
  const key = `${m.constructor.name} ${mode} ${n}`;
  for (let i = 0; i < (warmed.has(key) ? 1 : warmup); i++) fn();
  warmed.add(key);
  const ts: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cs.push((d.user + d.system) / 1000);
  }
  m.zeroGrad();
  return { ms: median(ts), cpuMs: median(cs) };
}

await initBackend();
const acc: Record<string, { t: number[]; tc: number[]; k: number[]; kc: number[] }> = {};
const mods = Object.fromEntries(names.map((k) => [k, all[k]!()]));
for (let r = 0; r < rounds; r++) {
  for (const n of ns) {
    const [h, w] = hw(n);
    const xImg = randomNormal([1, C, h, w]);
    const xTok = randomNormal([1, h * w, C]);
    for (const name of names) {
      for (const mode of modes) {
        const key = `${name} ${mode} ${n}`;
        const a = (acc[key] ??= { t: [], tc: [], k: [], kc: [] });
        const p = torch(name, mode, n);
        const q = nnkit(mods[name]!, name === 'SpatialReductionAttention' ? xTok : xImg, mode, n);
        a.t.push(p.ms);
        a.tc.push(p.cpuMs);
        a.k.push(q.ms);
        a.kc.push(q.cpuMs);
        console.log(`round ${r + 1} ${key}: nnkit ${q.ms.toFixed(1)} ms (cpu ${q.cpuMs.toFixed(1)}), PyTorch ${p.ms.toFixed(1)} ms (cpu ${p.cpuMs.toFixed(1)})`);
      }
    }
    xImg.dispose();
    xTok.dispose();
  }
}
const f = (v: number): string => v.toFixed(1);
console.log(`\nN = ${ns.join(', ')}, C = ${C}, batch 1; ${rounds} interleaved rounds × ${runs} runs; medians`);
console.log('| module | mode | N | nnkit ms | PyTorch ms | ratio (wall) | nnkit CPU ms | PyTorch CPU ms | ratio (CPU) |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [key, a] of Object.entries(acc)) {
  const [name, mode, n] = key.split(' ');
  const [k, t, kc, tc] = [median(a.k), median(a.t), median(a.kc), median(a.tc)];
  console.log(`| ${name} | ${mode === 'forward' ? 'forward' : 'fwd+bwd'} | ${n} | ${f(k)} | ${f(t)} | ${(k / t).toFixed(2)}× | ${f(kc)} | ${f(tc)} | ${(kc / tc).toFixed(2)}× |`);
}
if (ns.length > 1) {
  const [lo, hi] = [Math.min(...ns), Math.max(...ns)];
  console.log(`\ntime(N = ${hi}) / time(N = ${lo}), medians over rounds`);
  console.log('| module | mode | nnkit (wall) | nnkit (CPU) | PyTorch (wall) | PyTorch (CPU) |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const name of names) {
    for (const mode of modes) {
      const [a, b] = [acc[`${name} ${mode} ${lo}`]!, acc[`${name} ${mode} ${hi}`]!];
      const r = (k: 'k' | 'kc' | 't' | 'tc'): string => (median(b[k]) / median(a[k])).toFixed(1);
      console.log(`| ${name} | ${mode === 'forward' ? 'forward' : 'fwd+bwd'} | ${r('k')} | ${r('kc')} | ${r('t')} | ${r('tc')} |`);
    }
  }
}
