// Test helpers for the Runner (a tiny loader with a checkpointable shuffling RNG, a small MLP).
import { Dropout, Linear, Module } from '@nnkit/nn';
import { sigmoid, type Tensor, tensor } from '@tensorflow/tfjs-core';

/** A seeded RNG with getState/setState (mulberry32), like @nnkit/data's Generator. */
export class TestRng {
  constructor(public s = 1) {}
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = Math.imul(this.s ^ (this.s >>> 15), 1 | this.s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  getState(): { s: number } {
    return { s: this.s };
  }
  setState(st: { s: number }): void {
    this.s = st.s;
  }
}

/** Yields `[x, y]` batches of in-memory rows; shuffles with `sampler.generator` when given. */
export class ArrayLoader {
  readonly sampler: { generator: TestRng | undefined };
  constructor(
    readonly x: Float32Array,
    readonly y: Int32Array,
    readonly features: number,
    readonly batchSize: number,
    rng?: TestRng,
  ) {
    this.sampler = { generator: rng };
  }
  get length(): number {
    return Math.ceil(this.y.length / this.batchSize);
  }
  *[Symbol.iterator](): Iterator<[Tensor, Tensor]> {
    const n = this.y.length;
    const idx = Array.from({ length: n }, (_, i) => i);
    const g = this.sampler.generator;
    if (g) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(g.next() * (i + 1));
        [idx[i], idx[j]] = [idx[j]!, idx[i]!];
      }
    }
    for (let b = 0; b < n; b += this.batchSize) {
      const rows = idx.slice(b, b + this.batchSize);
      const xs = new Float32Array(rows.length * this.features);
      rows.forEach((r, i) => xs.set(this.x.subarray(r * this.features, (r + 1) * this.features), i * this.features));
      yield [tensor(xs, [rows.length, this.features]), tensor(Int32Array.from(rows, (r) => this.y[r]!), [rows.length], 'int32')];
    }
  }
}

/** Three Gaussian blobs in 4-D: `n` rows (deterministic). */
export function blobs(n: number, seed = 3, flip = false): { x: Float32Array; y: Int32Array } {
  const g = new TestRng(seed);
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = flip ? (c + 1) % 3 : c;
    for (let f = 0; f < 4; f++) x[i * 4 + f] = (f === c ? 1.5 : 0) + (g.next() - 0.5);
  }
  return { x, y };
}

/** 4 → 8 (sigmoid, dropout) → 3. */
export class SmallMlp extends Module {
  fc1 = this.registerModule('fc1', new Linear(4, 8));
  drop = this.registerModule('drop', new Dropout(0.1));
  fc2 = this.registerModule('fc2', new Linear(8, 3));
  forward(x: Tensor): Tensor {
    return this.fc2.call(this.drop.call(sigmoid(this.fc1.call(x))));
  }
}

/** Flat copy of every parameter value, by key. */
export function snapshot(m: Module): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Float32Array.from(t.dataSync())]));
}
