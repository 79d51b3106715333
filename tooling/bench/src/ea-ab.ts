/**
 * A/B of EfficientAttention's forward at C = 64 (bench config, batch 1, eval): the row-layout
 * path (`call`) against the reference layout (`forwardReference`), interleaved in one process;
 * medians of wall and CPU ms per call. `node --conditions=@nnkit/source --import tsx
 * src/ea-ab.ts [N]`.
 */
import { EfficientAttention } from '@nnkit/attention';
import { initBackend } from '@nnkit/tensor';
import { randomNormal, tidy } from '@tensorflow/tfjs-core';

const n = Number(process.argv[2] ?? 1024);
await initBackend();
const h = Math.round(Math.sqrt(n));
const w = Math.floor(n / h);
const m = new EfficientAttention(64, 32, 64, { headCount: 2 });
m.eval();
const x = randomNormal([1, 64, h, w]);
const paths = { old: () => m.forwardReference(x), new: () => m.call(x) };
const calls = 50;
const res: Record<string, { wall: number[]; cpu: number[] }> = { old: { wall: [], cpu: [] }, new: { wall: [], cpu: [] } };
for (let rep = 0; rep < 12; rep++) {
  for (const [name, f] of Object.entries(paths)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) tidy(() => void f().dataSync());
    const wall = (performance.now() - t0) / calls;
    const c = process.cpuUsage(c0);
    if (rep < 2) continue; // warm-up
    res[name]!.wall.push(wall);
    res[name]!.cpu.push((c.user + c.system) / 1000 / calls);
  }
}
const med = (a: number[]): number => [...a].sort((p, q) => p - q)[a.length >> 1]!;
for (const [name, r] of Object.entries(res)) console.log(`${name}: ${med(r.wall).toFixed(3)} ms wall, ${med(r.cpu).toFixed(3)} ms CPU per call (median of ${r.wall.length}×${calls})`);
m.dispose();
x.dispose();
