import type { BlobData } from './mlp-trial.js';
import { seededRandom } from '@nnkit/tensor';

/** Two seeded Gaussian blobs in `dim` dimensions (n samples, alternating classes). */
export function blobs(n: number, dim: number, seed: number): BlobData {
  const rand = seededRandom(seed);
  const x = new Float32Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < dim; j++) x[i * dim + j] = (y[i] ? 0.8 : -0.8) + 1.2 * Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  }
  return { x, y, dim, length: n };
}
