import { ModuleWorkerPool } from '@nnkit/data/node';
import type { TrialContext, TrialModule, TrialResult } from './types.js';

type Task = Omit<TrialContext, 'data'>;

/**
 * Runs trials of a {@link TrialModule} on `size` Node worker threads (each imports the module
 * once and keeps its own tfjs backend; the worker is `module-worker.js` of `@nnkit/data/node`,
 * shared with the DataLoader workers). Tasks are queued; results come back as promises.
 */
export class TrialWorkerPool {
  private constructor(private readonly pool: ModuleWorkerPool) {}

  /** Starts `size` workers and waits until each has imported the module (and run `setup`). */
  static async start(spec: TrialModule, size: number, data: unknown, execArgv?: readonly string[]): Promise<TrialWorkerPool> {
    const pool = await ModuleWorkerPool.start(
      { module: spec.module, export: spec.export ?? 'trial', setup: spec.setup, sharedKey: 'data', shared: data, what: 'trial' },
      size,
      { owner: 'gridSearch', execArgv, taskError: (_calls, message) => `trial failed in a worker: ${message}` },
    );
    return new TrialWorkerPool(pool);
  }

  /** Queues one trial. */
  async run(ctx: Task): Promise<TrialResult> {
    const [result] = await this.pool.run([[ctx]]);
    return result as TrialResult;
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}
