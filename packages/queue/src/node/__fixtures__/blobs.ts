import type { BlobData } from './mlp-trial.js';

/** Two seeded Gaussian blobs in `dim` dimensions (n samples, alternating classes). */
export function blobs(n: number, dim: number, seed: number): BlobData {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const x = new Float32Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < dim; j++) x[i * dim + j] = (y[i] ? 0.8 : -0.8) + 1.2 * Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  }
  return { x, y, dim, length: n };
}
