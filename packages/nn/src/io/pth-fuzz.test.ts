// Fuzzing the PyTorch checkpoint reader: seeded mutations of the torch.save fixtures (truncations,
// byte flips, huge sizes in the zip directory and in the pickle, mutated pickles re-zipped, deflated
// archives) must give a value or a FormatError (PthError) — never another exception, a leaked
// tensor, or more than a second per input. Short run in the normal tests; NNKIT_FUZZ_LONG=1 runs
// 10,000 inputs (NNKIT_FUZZ_COUNT / NNKIT_FUZZ_SEED override) and prints the figures.
import { FormatError, initBackend } from '@nnkit/tensor';
import { loadFixture } from '@nnkit/tooling-testing';
import { memory, type Tensor } from '@tensorflow/tfjs-core';
import { unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPth, PthObject, type PthValue, readPth, readStateDict } from './index.js';

const LONG = process.env.NNKIT_FUZZ_LONG === '1';
const COUNT = Number(process.env.NNKIT_FUZZ_COUNT ?? (LONG ? 10_000 : 300));
const SEED = Number(process.env.NNKIT_FUZZ_SEED ?? 20261202);
const SEEDS = ['pth-dtypes.pth', 'pth-views.pth', 'pth-checkpoint.pth', 'pth-checkpoint-p5.pth', 'pth-module.pth', 'pth-malicious.pth', 'pth-legacy.pth', 'pth-lenet.pth'];

/** mulberry32: a small seeded generator, so a failing input can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HUGE = [0xffffffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0x10000, 0];

function tensorsIn(v: PthValue, out: Set<Tensor>, seen = new Set<unknown>()): Set<Tensor> {
  if (v === null || typeof v !== 'object' || seen.has(v)) return out;
  seen.add(v);
  if (v instanceof PthObject) {
    for (const x of [...v.args, v.state, ...v.items.keys(), ...v.items.values(), ...v.list]) tensorsIn(x, out, seen);
  } else if (v instanceof Map) for (const x of [...v.keys(), ...v.values()]) tensorsIn(x, out, seen);
  else if (Array.isArray(v) || v instanceof Set) for (const x of v) tensorsIn(x, out, seen);
  else if ('dataSync' in v) out.add(v);
  return out;
}

/** Positions of a 4-byte little-endian signature. */
function find(b: Uint8Array, sig: number): number[] {
  const at: number[] = [];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i + 4 <= b.length; i++) if (dv.getUint32(i, true) === sig) at.push(i);
  return at;
}

function mutate(src: Uint8Array, r: () => number): { bytes: Uint8Array; how: string } {
  const pick = <T,>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const b = src.slice();
  const dv = new DataView(b.buffer);
  const kind = Math.floor(r() * 7);
  switch (kind) {
    case 0: { // truncation
      const n = Math.floor(r() * b.length);
      return { bytes: b.subarray(0, n), how: `truncate ${n}` };
    }
    case 1: { // byte flips anywhere
      const k = 1 + Math.floor(r() * 8);
      for (let i = 0; i < k; i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      return { bytes: b, how: `flip ${k}` };
    }
    case 2: { // huge / odd values in the zip directory (central headers and the end record)
      const cds = find(b, 0x02014b50);
      const eocd = find(b, 0x06054b50);
      if (!cds.length || !eocd.length) return { bytes: b, how: 'none' };
      const fields = [...cds.flatMap((p) => [p + 20, p + 24, p + 42, p + 28, p + 30]), ...eocd.flatMap((p) => [p + 10, p + 12, p + 16])];
      const at = pick(fields);
      const v = pick(HUGE);
      if ([28, 30, 10].some((o) => cds.concat(eocd).some((p) => p + o === at))) dv.setUint16(at, v & 0xffff, true);
      else dv.setUint32(at, v, true);
      return { bytes: b, how: `directory field ${at} = ${v}` };
    }
    case 3: { // local headers: name / extra lengths, sizes
      const locs = find(b, 0x04034b50);
      if (!locs.length) return { bytes: b, how: 'none' };
      const p = pick(locs);
      const o = pick([18, 22, 26, 28]);
      if (o >= 26) dv.setUint16(p + o, Math.floor(r() * 65536), true);
      else dv.setUint32(p + o, pick(HUGE), true);
      return { bytes: b, how: `local field ${p + o}` };
    }
    default: { // re-zip with a mutated pickle (huge lengths, random opcodes, flips), sometimes deflated
      let files: Record<string, Uint8Array>;
      let m = -1;
      try {
        files = unzipSync(src);
      } catch {
        return { bytes: b, how: 'none' };
      }
      const pk = Object.keys(files).find((k) => k.endsWith('data.pkl'));
      if (pk) {
        const p = files[pk]!.slice();
        const pdv = new DataView(p.buffer);
        m = Math.floor(r() * 4);
        if (m === 0) { // a huge length after a length-prefixed opcode
          const offs = [...p.keys()].filter((i) => [0x58, 0x42, 0x54, 0x8d, 0x8e, 0x8b, 0x72, 0x6a, 0x95].includes(p[i]!) && i + 5 <= p.length);
          if (offs.length) pdv.setUint32(pick(offs) + 1, pick(HUGE), true);
        } else if (m === 1) { // random bytes (opcodes) inserted
          const at = Math.floor(r() * p.length);
          const ins = Uint8Array.from({ length: 1 + Math.floor(r() * 6) }, () => Math.floor(r() * 256));
          files[pk] = new Uint8Array([...p.subarray(0, at), ...ins, ...p.subarray(at)]);
        } else if (m === 2) { // small integers (sizes, strides, offsets) changed
          const offs = [...p.keys()].filter((i) => p[i] === 0x4b && i + 1 < p.length);
          for (let k = 0; k < 3 && offs.length; k++) p[pick(offs) + 1] = Math.floor(r() * 256);
        } else { // truncated pickle
          files[pk] = p.subarray(0, Math.floor(r() * p.length));
        }
        if (m !== 1 && m !== 3) files[pk] = p;
      }
      const level = r() < 0.3 ? 6 : 0;
      const out: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
      for (const [k, v] of Object.entries(files)) out[k] = [v, { level }];
      const z = zipSync(out);
      if (level && r() < 0.5) {
        const at = Math.floor(r() * z.length);
        z[at] = z[at]! ^ (1 << Math.floor(r() * 8));
      }
      return { bytes: z, how: `pickle mutation ${m}, level ${level}` };
    }
  }
}

beforeAll(async () => {
  await initBackend();
});

describe('fuzz: mutated .pth files give a value or a PthError', () => {
  it(`${COUNT} inputs (seed ${SEED})`, { timeout: LONG ? 3_600_000 : 120_000 }, () => {
    const seeds = SEEDS.map((n) => loadFixture(import.meta.url, n));
    const r = rng(SEED);
    const before = memory().numTensors;
    let ok = 0;
    let typed = 0;
    let maxMs = 0;
    const kinds = new Map<string, number>();
    const untyped: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      // the big LeNet file is mutated less often, to keep the run short
      const s = r() < 0.05 ? seeds[seeds.length - 1]! : seeds[Math.floor(r() * (seeds.length - 1))]!;
      const { bytes, how } = mutate(s, r);
      const t0 = performance.now();
      try {
        const mode = i % 3;
        const verifyCrc = i % 2 === 0; // without the CRC check, flipped data bytes reach the decoders
        const unknownGlobals = i % 5 === 0 ? 'inert' : 'error';
        if (mode === 0) for (const t of tensorsIn(readPth(bytes, { verifyCrc, unknownGlobals }), new Set())) t.dispose();
        else if (mode === 1) for (const t of new Set(Object.values(loadPth(bytes, { verifyCrc })))) t.dispose();
        else for (const t of new Set(Object.values(readStateDict(bytes)))) t.dispose();
        ok++;
      } catch (e) {
        if (e instanceof FormatError) {
          typed++;
          const k = (e as { kind?: string }).kind ?? e.format;
          kinds.set(k, (kinds.get(k) ?? 0) + 1);
        } else untyped.push(`input ${i} (${how}): ${String(e)}`);
      }
      const ms = performance.now() - t0;
      maxMs = Math.max(maxMs, ms);
      expect(ms, `input ${i} (${how}) took ${ms.toFixed(0)} ms`).toBeLessThan(1000);
    }
    const figures = { inputs: COUNT, seed: SEED, parsedOk: ok, typedErrors: typed, untypedErrors: untyped.length, maxMsPerInput: Number(maxMs.toFixed(1)), kinds: Object.fromEntries([...kinds].sort((a, b) => b[1] - a[1])) };
    if (LONG) console.log(`pth fuzz: ${JSON.stringify(figures)}`);
    expect(untyped).toEqual([]);
    expect(memory().numTensors).toBe(before);
  });
});
