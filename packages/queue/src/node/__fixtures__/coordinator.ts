// A coordinator in its own process, for the restart test: runs the search given as JSON in
// argv[2] on the queue executor and prints one line per finished trial.
import { gridSearch } from '@nnkit/train/node';
import { queueExecutor } from '../executor.js';

interface Spec {
  redis: string;
  queue: string;
  space: Record<string, unknown[]>;
  cv: number;
  module: string;
  n: number;
  dim: number;
  seed: number;
}
const { redis, queue, space, cv, module, n, dim, seed } = JSON.parse(process.argv[2]!) as Spec;
const { blobs } = await import('./blobs.js');
await gridSearch({
  space,
  cv,
  trial: { module, export: 'trial', setup: 'setup' },
  data: blobs(n, dim, seed),
  executor: queueExecutor({ connection: redis, queue, pollMs: 200 }),
  onTrial: (r) => process.stdout.write(`trial ${r.key} ${r.fold}\n`),
});
