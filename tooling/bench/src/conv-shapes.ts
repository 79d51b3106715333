/**
 * Conv-shape micro-bench: for each convolution shape of EEGNet, LeNet and Inception v3, nnkit's
 * `conv2d` forward and forward+backward (input and weight gradients) against a same-MAC wasm
 * GEMM shaped like the convolution's im2col (`[M, K] × [K, N]`, M = B·Ho·Wo, K = Cin/groups·kH·kW,
 * N = Cout; fwd+bwd: the three GEMMs of a conv's forward and two gradients). The conv and its GEMM
 * peer run interleaved, run by run, so machine load hits both alike. Prints a markdown table of
 * median wall ms, CPU ms per call (process.cpuUsage) and the ratios conv / GEMM.
 *
 *   node --conditions=@nnkit/source --import tsx src/conv-shapes.ts            # all shapes
 *   CONV_RUNS=9 CONV_FILTER=eegnet node --conditions=@nnkit/source --import tsx src/conv-shapes.ts
 *
 * CONV_READOUT=1: read every output back (see `pull`). CONV_RUNS: timed runs per shape (default 7, after 2 warm-ups); CONV_FILTER / CONV_SKIP: substring of
 * the shape names to keep / to leave out (e.g. CONV_SKIP=temporal: the two largest); CONV_JSON=path writes the rows as JSON.
 */
import { writeFileSync } from 'node:fs';
import { conv2d, initBackend, resolveConvPadding, withSharedSavedTensors } from '@nnkit/tensor';
import { grads, matMul, randomNormal, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { median } from './stats.js';

interface Shape {
  name: string;
  /** NCHW input. */
  x: [number, number, number, number];
  cout: number;
  k: [number, number];
  stride?: number;
  padding?: 'same' | number | [number, number];
  groups?: number;
}

const inc = (name: string, c: number, hw: number, cout: number, k: [number, number], stride: number, padding: number | [number, number]): Shape => ({
  name: `Inception ${name}, b1`,
  x: [1, c, hw, hw],
  cout,
  k,
  stride,
  padding,
});

/** EEGNet (22 ch × 1000, F1 8, D 2, batch 64), LeNet (batch 64), a cross-section of Inception v3's layers (b1, 299²). */
const SHAPES: Shape[] = [
  { name: 'EEGNet temporal 1×64, b64', x: [64, 1, 22, 1000], cout: 8, k: [1, 64], padding: 'same' },
  { name: 'EEG-TCNet temporal 1×32, b64', x: [64, 1, 22, 1000], cout: 8, k: [1, 32], padding: 'same' },
  { name: 'EEGNet spatial depthwise 22×1, b64', x: [64, 8, 22, 1000], cout: 16, k: [22, 1], groups: 8 },
  { name: 'EEGNet separable depthwise 1×16, b64', x: [64, 16, 1, 250], cout: 16, k: [1, 16], padding: 'same', groups: 16 },
  { name: 'EEGNet separable pointwise 1×1, b64', x: [64, 16, 1, 250], cout: 16, k: [1, 1] },
  { name: 'LeNet conv1 5×5 1→6, b64', x: [64, 1, 32, 32], cout: 6, k: [5, 5] },
  { name: 'LeNet conv2 5×5 6→16, b64', x: [64, 6, 14, 14], cout: 16, k: [5, 5] },
  inc('Conv2d_1a 3×3 s2 3→32', 3, 299, 32, [3, 3], 2, 0),
  inc('Conv2d_2a 3×3 32→32', 32, 149, 32, [3, 3], 1, 0),
  inc('Conv2d_2b 3×3 32→64', 32, 147, 64, [3, 3], 1, 1),
  inc('Conv2d_3b 1×1 64→80', 64, 73, 80, [1, 1], 1, 0),
  inc('Conv2d_4a 3×3 80→192', 80, 73, 192, [3, 3], 1, 0),
  inc('Mixed_5b 5×5 48→64', 48, 35, 64, [5, 5], 1, 2),
  inc('Mixed_5b 3×3 96→96', 96, 35, 96, [3, 3], 1, 1),
  inc('Mixed_6a 3×3 s2 288→384', 288, 35, 384, [3, 3], 2, 0),
  inc('Mixed_6b 1×7 128→128', 128, 17, 128, [1, 7], 1, [0, 3]),
  inc('Mixed_6b 7×1 128→192', 128, 17, 192, [7, 1], 1, [3, 0]),
  inc('Mixed_6b 1×1 768→192', 768, 17, 192, [1, 1], 1, 0),
  inc('Mixed_7a 3×3 s2 192→320', 192, 17, 320, [3, 3], 2, 0),
  inc('Mixed_7b 1×3 384→384', 384, 8, 384, [1, 3], 1, [0, 1]),
  inc('Mixed_7b 3×3 448→384', 448, 8, 384, [3, 3], 1, 1),
  inc('Mixed_7c 1×1 2048→448', 2048, 8, 448, [1, 1], 1, 0),
];

const runs = Number(process.env.CONV_RUNS ?? 7);
const filter = (process.env.CONV_FILTER ?? '').toLowerCase();
const skip = (process.env.CONV_SKIP ?? '').toLowerCase();

interface Timer {
  wall: number[];
  cpu: number;
}

function timed(t: Timer, fn: () => void): void {
  const c = process.cpuUsage();
  const s = performance.now();
  fn();
  t.wall.push(performance.now() - s);
  const d = process.cpuUsage(c);
  t.cpu += (d.user + d.system) / 1000;
}

/**
 * Outputs are not read back by default: wasm kernels run synchronously, so a result exists when
 * its op returns, and reading it back times a JavaScript copy of the output instead (measured
 * 2026-12-03: ~35 ms for the 11 M-value input gradient of EEGNet's spatial layer, whose GEMM
 * peer reads back 1.4 M). `CONV_READOUT=1` reads every output back, as this bench did up to
 * 2026-12-03 (the figures in the README's earlier sections).
 */
const readout = process.env.CONV_READOUT === '1';
const pull = (ts: Tensor[]): void => {
  if (readout) for (const t of ts) t.dataSync();
};

interface Row {
  name: string;
  gmac: number;
  fwd: number;
  fwdCpu: number;
  gemm: number;
  gemmCpu: number;
  fb: number;
  fbCpu: number;
  gemm3: number;
  gemm3Cpu: number;
  /** [m, 256] × [256, 64] GEMM of the same MACs (the machine's rate), and of 3× the MACs. */
  rate: number;
  rate3: number;
}

function measure(s: Shape): Row {
  const [B, C, H, W] = s.x;
  const groups = s.groups ?? 1;
  const stride = s.stride ?? 1;
  const padding = s.padding ?? 0;
  const [[t, b], [l, r]] = resolveConvPadding(padding, s.k, [1, 1], [stride, stride], s.name) as [[number, number], [number, number]];
  const Ho = Math.floor((H + t + b - s.k[0]) / stride) + 1;
  const Wo = Math.floor((W + l + r - s.k[1]) / stride) + 1;
  const M = B * Ho * Wo;
  const K = (C / groups) * s.k[0] * s.k[1];
  const N = s.cout;
  const x = randomNormal(s.x);
  const w = randomNormal([s.cout, C / groups, ...s.k]);
  const a = randomNormal([M, K]);
  const bm = randomNormal([K, N]);
  const dy = randomNormal([M, N]);
  const bt = randomNormal([N, K]);
  const at = randomNormal([K, M]);
  const mr = Math.max(1, Math.round((M * K * N) / (256 * 64)));
  const ra = randomNormal([mr, 256]);
  const ra3 = randomNormal([3 * mr, 256]);
  const rb = randomNormal([256, 64]);
  const opts = { stride, padding, groups };
  const fwd = (): void => tidy(() => pull([conv2d(x, w, null, opts)]));
  // The output gradient is made once, as the GEMM peer's `dy` is (not a fill per call), and the
  // tape shares the tensors it saves, as nnkit's `backward` does (tfjs' own tape copies each one
  // through the Identity kernel on wasm: the whole input, here, on every call).
  const g = grads((xx: Tensor, ww: Tensor) => conv2d(xx, ww, null, opts));
  const dyConv = randomNormal([B, N, Ho, Wo]);
  const fb = (): void => tidy(() => pull(withSharedSavedTensors(() => g([x, w], dyConv))));
  const gemm = (): void => tidy(() => pull([matMul(a, bm)]));
  // forward, input gradient (dy · Wᵀ), weight gradient (colsᵀ · dy), operands pre-transposed
  const gemm3 = (): void => tidy(() => pull([matMul(a, bm), matMul(dy, bt), matMul(at, dy)]));
  // the machine's GEMM rate: [m, 256] × [256, 64] of the same MACs (3× for fwd+bwd), as measure.ts
  const rate = (): void => tidy(() => pull([matMul(ra, rb)]));
  const rate3 = (): void => tidy(() => pull([matMul(ra3, rb)]));
  const T = (): Timer => ({ wall: [], cpu: 0 });
  const tf = T();
  const tg = T();
  const tfb = T();
  const tg3 = T();
  const tr = T();
  const tr3 = T();
  for (let i = 0; i < 2; i++) [fwd, gemm, fb, gemm3, rate, rate3].forEach((f) => f());
  for (let i = 0; i < runs; i++) {
    timed(tf, fwd);
    timed(tg, gemm);
    timed(tfb, fb);
    timed(tg3, gemm3);
    timed(tr, rate);
    timed(tr3, rate3);
  }
  for (const v of [x, w, dyConv, a, bm, dy, bt, at, ra, ra3, rb]) v.dispose();
  return {
    name: s.name,
    gmac: (M * K * N) / 1e9,
    fwd: median(tf.wall),
    fwdCpu: tf.cpu / runs,
    gemm: median(tg.wall),
    gemmCpu: tg.cpu / runs,
    fb: median(tfb.wall),
    fbCpu: tfb.cpu / runs,
    gemm3: median(tg3.wall),
    gemm3Cpu: tg3.cpu / runs,
    rate: median(tr.wall),
    rate3: median(tr3.wall),
  };
}

await initBackend('wasm');
const rows: Row[] = [];
const f1 = (v: number): string => v.toFixed(1);
const f2 = (v: number): string => v.toFixed(2);
console.log(`conv shapes vs same-MAC wasm GEMM (median of ${runs} runs, ms; CPU = mean CPU ms per call)\n`);
console.log('GEMM = im2col-shaped [M, K] × [K, N]; 3 GEMMs = forward + the two gradients\' GEMMs; rate = [m, 256] × [256, 64] of the same MACs (3× for fwd+bwd).\n');
console.log('| shape | GMAC | fwd ms | GEMM ms | fwd / GEMM | fwd CPU / GEMM CPU | fwd / rate | fwd+bwd ms | 3 GEMMs ms | fwd+bwd / 3 GEMMs | fwd+bwd CPU / GEMMs CPU | fwd+bwd / rate |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const s of SHAPES.filter((v) => v.name.toLowerCase().includes(filter) && !(skip !== '' && v.name.toLowerCase().includes(skip)))) {
  const r = measure(s);
  rows.push(r);
  console.log(
    `| ${r.name} | ${r.gmac.toFixed(3)} | ${f1(r.fwd)} | ${f1(r.gemm)} | ${f2(r.fwd / r.gemm)} | ${f2(r.fwdCpu / r.gemmCpu)} | ${f2(r.fwd / r.rate)} | ${f1(r.fb)} | ${f1(r.gemm3)} | ${f2(r.fb / r.gemm3)} | ${f2(r.fbCpu / r.gemm3Cpu)} | ${f2(r.fb / r.rate3)} |`,
  );
}
if (process.env.CONV_JSON) writeFileSync(process.env.CONV_JSON, JSON.stringify({ runs, rows }, null, 2));
