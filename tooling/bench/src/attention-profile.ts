/**
 * Kernel breakdown of one forward of the attention modules at C = 64 (tf.profile): which kernels
 * run, how many times, and their summed time. `node --conditions=@nnkit/source --import tsx
 * src/attention-profile.ts [N] [modules,comma,separated]`.
 */
import { CrissCrossAttention, EfficientAttention, InterlacedSparseSelfAttention, SelfAttention2d } from '@nnkit/attention';
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
};
const names = process.argv[3]?.split(',') ?? Object.keys(make);
await initBackend();
const h = Math.round(Math.sqrt(n));
const w = Math.floor(n / h);
for (const name of names) {
  const m = make[name]!();
  m.eval();
  const x = randomNormal([1, C, h, w]);
  const fn = (): void => tidy(() => void (m as Module & { call(x: Tensor): Tensor }).call(x).dataSync());
  for (let i = 0; i < 3; i++) fn();
  const p = await profile(fn);
  const by = new Map<string, { count: number; ms: number }>();
  let total = 0;
  for (const k of p.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const e = by.get(key) ?? { count: 0, ms: 0 };
    e.count++;
    e.ms += ms;
    by.set(key, e);
    total += ms;
  }
  console.log(`\n${name} N=${n}: ${p.kernels.length} kernels, ${total.toFixed(1)} ms summed`);
  for (const [k, e] of [...by].sort((a, b) => b[1].ms - a[1].ms)) console.log(`  ${e.ms.toFixed(2).padStart(8)} ms  ×${e.count}  ${k}`);
  m.dispose();
  x.dispose();
}
