/**
 * A/B of an attention module's forward at C = 64 (bench config, batch 1, eval): its fast path
 * (`call`: CrissCrossAttention's criss-cross-fast.ts, EfficientAttention's efficient-rows.ts)
 * against the reference layout (`forwardReference`), interleaved in one process; medians of wall
 * and CPU ms per call, and the kernel count of one call of each.
 * `node --conditions=@nnkit/source --import tsx src/attention-ab.ts [CrissCrossAttention|EfficientAttention] [N]`.
 */
import { CrissCrossAttention, EfficientAttention } from '@nnkit/attention';
import { initBackend } from '@nnkit/tensor';
import { profile, randomNormal, tidy } from '@tensorflow/tfjs-core';

const name = process.argv[2] ?? 'CrissCrossAttention';
const n = Number(process.argv[3] ?? 1024);
await initBackend();
const h = Math.round(Math.sqrt(n));
const w = Math.floor(n / h);
const makers: Record<string, () => CrissCrossAttention | EfficientAttention> = {
  CrissCrossAttention: () => new CrissCrossAttention(64),
  EfficientAttention: () => new EfficientAttention(64, 32, 64, { headCount: 2 }),
};
if (!makers[name]) throw new Error(`attention-ab: module ${name}? one of ${Object.keys(makers).join(', ')}`);
const m = makers[name]!();
m.eval();
const x = randomNormal([1, 64, h, w]);
const paths = { old: () => m.forwardReference(x), new: () => m.call(x) };
// kernel count of one call, and kernel time: per kernel, the smallest time over 15 profiled calls
// (drops most stalls of a loaded machine), summed; scopes and reshapes not counted as kernels
for (const [path, f] of Object.entries(paths)) {
  for (let i = 0; i < 20; i++) tidy(() => void f());
  const best: number[] = [];
  let all = 0;
  let kernels = 0;
  for (let rep = 0; rep < 15; rep++) {
    const p = await profile(() => tidy(() => void f()));
    all = p.kernels.length;
    const ks = p.kernels.filter((k) => k.name !== 'Reshape' && k.name !== 'unnamed scope' && !k.name.endsWith('__op'));
    kernels = ks.length;
    ks.forEach((k, i) => (best[i] = Math.min(best[i] ?? Infinity, k.kernelTimeMs as number)));
  }
  console.log(`${path}: ${kernels} kernels (${all} profiled entries with reshapes and scopes), kernel time ${best.reduce((a, b) => a + b, 0).toFixed(3)} ms`);
}
const calls = 50;
const sync = process.env.AB_SYNC === '1'; // read the output back each call (as attention-compare does)
const res: Record<string, { wall: number[]; cpu: number[] }> = { old: { wall: [], cpu: [] }, new: { wall: [], cpu: [] } };
for (let rep = 0; rep < 22; rep++) {
  for (const [path, f] of Object.entries(paths)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) tidy(() => void (sync ? f().dataSync() : f()));
    const wall = (performance.now() - t0) / calls;
    const c = process.cpuUsage(c0);
    if (rep < 2) continue; // warm-up
    res[path]!.wall.push(wall);
    res[path]!.cpu.push((c.user + c.system) / 1000 / calls);
  }
}
const med = (a: number[]): number => [...a].sort((p, q) => p - q)[a.length >> 1]!;
const min = (a: number[]): number => Math.min(...a);
const q1 = (a: number[]): number => [...a].sort((p, q) => p - q)[a.length >> 2]!;
for (const [path, r] of Object.entries(res)) {
  console.log(`${path}: ${med(r.wall).toFixed(3)} ms wall, ${med(r.cpu).toFixed(3)} ms CPU per call (median of ${r.wall.length}×${calls}; lower quartile ${q1(r.wall).toFixed(3)} / ${q1(r.cpu).toFixed(3)}, min ${min(r.wall).toFixed(3)} / ${min(r.cpu).toFixed(3)})`);
}
m.dispose();
x.dispose();
