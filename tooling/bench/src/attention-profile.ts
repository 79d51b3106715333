/**
 * Kernel breakdown of one forward of the attention modules at C = 64 (tf.profile): which kernels
 * run, how many times, and their summed time; the kernel count of a call with and without the
 * (data-free) Reshape kernels. `node --conditions=@nnkit/source --import tsx
 * src/attention-profile.ts [N] [modules,comma,separated]`.
 */
import { CrissCrossAttention, EfficientAttention, InterlacedSparseSelfAttention, SelfAttention2d, SpatialReductionAttention } from '@nnkit/attention';
import type { Module } from '@nnkit/nn';
import { initBackend } from '@nnkit/tensor';
import { profile, randomNormal, type Tensor, tidy } from '@tensorflow/tfjs-core';

const C = 64;
const n = Number(process.argv[2] ?? 1024);
const make: Record<string, () => Module> = {
  SelfAttention2d: () => new SelfAttention2d(C),
  CrissCrossAttention: () => new CrissCrossAttention(C),
  InterlacedSparseSelfAttention: () => new InterlacedSparseSelfAttention(C, C / 2, C / 2, C, { block: [8, 8] }),
  EfficientAttention: () => new EfficientAttention(C, C / 2, C, { headCount: 2 }),
  SpatialReductionAttention: () => new SpatialReductionAttention(C, { numHeads: 1, srRatio: 4 }),
};
const names = process.argv[3]?.split(',') ?? Object.keys(make);
await initBackend();
const h = Math.round(Math.sqrt(n));
const w = Math.floor(n / h);
for (const name of names) {
  const m = make[name]!();
  m.eval();
  const sra = m instanceof SpatialReductionAttention;
  const x = sra ? randomNormal([1, h * w, C]) : randomNormal([1, C, h, w]);
  const fn = (): void => tidy(() => void (sra ? m.call(x, h, w) : (m as Module & { call(x: Tensor): Tensor }).call(x)).dataSync());
  for (let i = 0; i < 3; i++) fn();
  // per kernel (name and input shapes): the smallest summed time over 7 profiled calls, which
  // drops most of the stalls a loaded machine adds
  const by = new Map<string, { count: number; ms: number }>();
  let kernels = 0;
  let reshapes = 0;
  for (let rep = 0; rep < 7; rep++) {
    const p = await profile(fn);
    kernels = p.kernels.length;
    reshapes = p.kernels.filter((k) => k.name === 'Reshape').length;
    const one = new Map<string, { count: number; ms: number }>();
    for (const k of p.kernels) {
      if (k.name === 'unnamed scope') continue;
      const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
      const e = one.get(key) ?? { count: 0, ms: 0 };
      e.count++;
      e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      one.set(key, e);
    }
    for (const [key, e] of one) {
      const prev = by.get(key);
      if (prev === undefined || e.ms < prev.ms) by.set(key, e);
    }
  }
  let total = 0;
  for (const e of by.values()) total += e.ms;
  console.log(`\n${name} N=${n}: ${kernels} kernels (${kernels - reshapes} without Reshape), ${total.toFixed(1)} ms summed (minimum per kernel)`);
  for (const [k, e] of [...by].sort((a, b) => b[1].ms - a[1].ms)) console.log(`  ${e.ms.toFixed(2).padStart(8)} ms  ×${e.count}  ${k}`);
  m.dispose();
  x.dispose();
}
