/**
 * Memory of one Inception v3 train step on wasm (diagnostic): peak live tfjs bytes, peak bytes
 * allocated on the wasm heap (malloc/free traced), the heap's size, and where a step fails.
 *
 *   INCEPTION_MEM_BATCH=2 node --conditions=@nnkit/source --import tsx src/inception-memory.ts
 */
import { backward, crossEntropy } from '@nnkit/nn';
import { initBackend } from '@nnkit/tensor';
import { SGD } from '@nnkit/train';
import { Inception3, type InceptionOutputs } from '@nnkit/vision';
import { add, backend, engine, memory, mul, randomNormal, tensor1d } from '@tensorflow/tfjs-core';

const MiB = 2 ** 20;
await initBackend('wasm');
interface WasmModule {
  _malloc(n: number): number;
  _free(p: number): void;
  HEAPU8: Uint8Array;
}
const wasm = (backend() as unknown as { wasm: WasmModule }).wasm;
const sizes = new Map<number, number>();
const origin = new Map<number, string>();
let snap = '';
let snapAt = 0;
let live = 0;
let peakLive = 0;
let maxEnd = 0;
let failures = 0;
let currentNode = 'forward';
let peakAt = '';
wasm._free(wasm._malloc(4)); // emscripten's lazy export wrappers replace themselves on first call
const malloc = wasm._malloc;
const free = wasm._free;
wasm._malloc = (n: number): number => {
  const p = malloc(n) >>> 0;
  if (p === 0 && n > 0) failures++;
  sizes.set(p, n);
  origin.set(p, currentNode.replace(/ node \d+\/\d+/, '').replace(/\[[^\]]*\]/, ''));
  live += n;
  if (live > peakLive) {
    peakLive = live;
    peakAt = currentNode;
    if (process.env.INCEPTION_MEM_SNAP && live > snapAt + 16 * MiB && currentNode !== 'forward') {
      snapAt = live;
      const g = new Map<string, number>();
      for (const [q, sz] of sizes) g.set(origin.get(q)!, (g.get(origin.get(q)!) ?? 0) + sz);
      snap = [...g].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${(v / MiB).toFixed(0)}`).join('; ');
    }
  }
  maxEnd = Math.max(maxEnd, p + n);
  return p;
};
wasm._free = (p: number): void => {
  live -= sizes.get(p >>> 0) ?? 0;
  sizes.delete(p >>> 0);
  free(p);
};
const report = (label: string): void =>
  console.log(
    `${label}: tfjs ${(memory().numBytes / MiB).toFixed(0)} MiB in ${memory().numTensors} tensors; malloc live ${(live / MiB).toFixed(0)} peak ${(peakLive / MiB).toFixed(0)} MiB, highest end ${(maxEnd / MiB).toFixed(0)} MiB; heap ${(wasm.HEAPU8.buffer.byteLength / MiB).toFixed(0)} MiB; malloc failures ${failures}`,
  );

interface Node { gradient?: (dys: unknown) => unknown; kernelName: string; saved?: { dataId: object; size: number; shape: number[] }[]; outputs: { dataId: object; size: number; shape?: number[] }[] }
function tapeReport(): void {
  const tape = (engine() as unknown as { state: { activeTape: Node[] } }).state.activeTape;
  const seen = new Set<object>();
  const by = new Map<string, number>();
  tape.forEach((n, i) => {
    const g = n.gradient;
    if (g) n.gradient = (dys) => ((currentNode = `backward node ${i}/${tape.length} ${n.kernelName} [${n.outputs[0]?.shape ?? ''}]`), g(dys));
  });
  let total = 0;
  for (const n of tape) {
    for (const t of n.saved ?? []) {
      if (seen.has(t.dataId)) continue;
      seen.add(t.dataId);
      total += t.size * 4;
      by.set(n.kernelName, (by.get(n.kernelName) ?? 0) + t.size * 4);
    }
  }
  console.log(`  tape: ${tape.length} nodes, saved ${(total / MiB).toFixed(0)} MiB unique:`, [...by].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / MiB).toFixed(0)}`).join(', '));
}
const b = Number(process.env.INCEPTION_MEM_BATCH ?? 2);
const steps = Number(process.env.INCEPTION_MEM_STEPS ?? 2);
const m = new Inception3().train();
const opt = new SGD(m.parameters(), { lr: 0.01, momentum: 0.9 });
const x = randomNormal([b, 3, 299, 299]);
const y = tensor1d(Array.from({ length: b }, (_, i) => (i * 97) % 1000), 'int32');
report(`batch ${b} before`);
for (let s = 0; s < steps; s++) {
  peakLive = live;
  const t = performance.now();
  try {
    opt.zeroGrad();
    const loss = backward(() => {
      const o = m.call(x) as InceptionOutputs;
      report('  end of forward');
      tapeReport();
      return add(crossEntropy(o.logits, y), mul(crossEntropy(o.auxLogits, y), 0.4));
    }, m);
    opt.step();
    loss.dataSync();
    loss.dispose();
  } catch (e) {
    report(`step ${s} FAILED (${(e as Error).name}: ${(e as Error).message.split('\n')[0]})`);
    console.log((e as Error).stack?.split('\n').slice(0, 12).join('\n'));
    process.exit(1);
  }
  report(`step ${s} ${(performance.now() - t).toFixed(0)} ms`);
  console.log(`  peak during: ${peakAt}`);
  if (snap) console.log(`  live at the peak, by where allocated (MiB): ${snap}`);
  currentNode = 'forward';
}
