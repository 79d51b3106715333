// A data set for the DataLoader worker tests: CPU-bound samples of plain data, tagged with the
// thread that built them.
import { threadId } from 'node:worker_threads';

export function createDataset(n: number, dim: number): { length: number; get(i: number): { x: Float32Array; y: number; thread: number } } {
  return {
    length: n,
    get(i: number) {
      const x = new Float32Array(dim);
      for (let k = 0; k < dim; k++) x[k] = Math.sin(i * 0.37 + k) * (1 + i);
      if (i === 13 && n === 14) throw new Error('sample 13 is broken');
      return { x, y: i % 3, thread: threadId };
    },
  };
}

export const notAFunction = 42;
