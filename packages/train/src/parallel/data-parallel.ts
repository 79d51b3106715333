import type { Module } from '@nnkit/nn';
import { ArgumentError, nextSeed, StateError } from '@nnkit/tensor';
import { add, tensor, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { layoutOf, packState, sameLayout, unpackState } from './flat-state.js';
import type { ReplicaLayout, StepRequest, StepResult } from './protocol.js';
import { ReplicaChannel, type ReplicaEndpoint, type WebWorkerLike, webWorkerEndpoint } from './replica-channel.js';

/**
 * What `Runner.fit({ dataParallel })` (and `trainWithinSubject`) need: computes the gradients
 * of one batch across workers into the parameters' `.grad` and returns the loss.
 */
export interface DataParallelLike {
  /** Number of workers. */
  readonly workers: number;
  /** See {@link DataParallel.backward}. */
  backward(model: Module, x: Tensor, y: Tensor): Promise<number>;
  /** Stops the workers. */
  close(): Promise<void>;
}

/**
 * Shard sizes of a batch of `n` over `w` workers: contiguous, the first `n % w` one row larger
 * (fewer shards than workers when `n < w`).
 * @example `shardSizes(13, 2) // [7, 6]`
 */
export function shardSizes(n: number, w: number): number[] {
  const k = Math.min(n, w);
  return Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
}

/**
 * The seed of shard `i` for a step whose base seed is `base` (a SplitMix-style mix, 31 bits).
 * @example `shardSeed(nextSeed(), 1) // replica 1's manualSeed for this step`
 */
export function shardSeed(base: number, i: number): number {
  let z = (base + Math.imul(i + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return ((z ^ (z >>> 16)) >>> 0) & 0x7fffffff;
}

/**
 * Data-parallel training on workers (PyTorch's `DataParallel` / DDP without `SyncBatchNorm`),
 * each worker a replica of the model on its own backend. For every batch `backward` sends the
 * model's state to every worker with a fixed contiguous shard of the batch (worker i gets rows
 * of shard i); each replica runs forward and backward on its shard; the main thread sums the
 * shards' gradients in worker order, each weighted by its share of the batch (so the result is
 * the full batch's mean-loss gradient up to rounding) and writes them to the parameters'
 * `.grad`; the optimizer then steps on the main thread as usual. A run is reproducible for a
 * given number of workers (fixed shards, fixed reduction order, dropout seeds drawn from the
 * main thread's global RNG).
 *
 * Batch norm: each replica normalizes with its own shard's statistics (like DDP without
 * `SyncBatchNorm`), so a train-mode step with batch norm differs from the one-thread step on
 * the full batch; the running statistics are the shard-size-weighted mean of the replicas'
 * (the mean of shard means is the batch mean; the variance is the mean of the shard variances),
 * integer buffers (`num_batches_tracked`) come from worker 0. Without batch norm (or with
 * frozen BN in eval mode) a step equals the one-thread step within float rounding. Dropout:
 * replica i draws its masks from a seed derived from the step's seed and i.
 *
 * Start it with `startDataParallel` from `@nnkit/train/node` (worker threads) or
 * {@link DataParallel.start} with browser Web Workers running {@link serveReplica}.
 *
 * @example
 * ```ts
 * const dp = await DataParallel.start([0, 1].map(() => new Worker(new URL('./replica.worker.js', import.meta.url), { type: 'module' })));
 * await runner.fit(loader, { epochs: 10, dataParallel: dp }); // x: [B, ...] split into 2 shards
 * await dp.close();
 * ```
 */
export class DataParallel implements DataParallelLike {
  private layout: ReplicaLayout | undefined;
  private closed = false;

  private constructor(private readonly channels: ReplicaChannel[]) {}

  /** Number of workers. */
  get workers(): number {
    return this.channels.length;
  }

  /**
   * Uses replica workers: browser `Worker`s / `MessagePort`s running {@link serveReplica}, or
   * {@link ReplicaEndpoint}s. Waits until every worker has built its model; on a failure, stops
   * them all and rejects with the first worker's error.
   */
  static async start(workers: ReadonlyArray<WebWorkerLike | ReplicaEndpoint>): Promise<DataParallel> {
    if (workers.length < 1) throw new ArgumentError('DataParallel', `needs at least one worker, got ${workers.length}`);
    const channels = workers.map((w, i) => {
      const ep = 'onFailure' in w ? (w as ReplicaEndpoint) : webWorkerEndpoint(w as WebWorkerLike);
      return new ReplicaChannel(ep, `DataParallel worker ${i}`);
    });
    const dp = new DataParallel(channels);
    try {
      await Promise.all(channels.map((c) => c.whenReady()));
    } catch (e) {
      await dp.close();
      throw e;
    }
    return dp;
  }

  /**
   * Computes the gradients of `model` on the batch `x` `[B, ...]`, `y` `[B, ...]` (float32 or
   * int32) across the workers, adds them to the parameters' `.grad` (like `backward`), moves
   * the batch-norm statistics, and returns the batch's mean loss. `x` and `y` are not disposed.
   * Each worker's loss must be the mean over its shard (the Runner's `lossFn` with mean reduction).
   */
  async backward(model: Module, x: Tensor, y: Tensor): Promise<number> {
    if (this.closed) throw new StateError('DataParallel', 'backward after close()');
    const n = x.shape[0] ?? 0;
    if (n < 1 || y.shape[0] !== n) throw new ArgumentError('DataParallel.backward', `x and y need the same batch size ≥ 1, got x [${x.shape.join(', ')}], y [${y.shape.join(', ')}]`);
    await this.checkLayout(model);
    const sizes = shardSizes(n, this.workers);
    const xs = x.dataSync() as Float32Array;
    const ys = y.dataSync() as Float32Array | Int32Array;
    const xRow = x.size / n;
    const yRow = y.size / n;
    const state = packState(model);
    const base = nextSeed();
    let row = 0;
    const settled = await Promise.allSettled(
      sizes.map((k, i) => {
        const req: StepRequest = {
          state: i === 0 ? state : state.slice(),
          x: Float32Array.from(xs.subarray(row * xRow, (row + k) * xRow)),
          xShape: [k, ...x.shape.slice(1)],
          y: ys.slice(row * yRow, (row + k) * yRow),
          yShape: [k, ...y.shape.slice(1)],
          yDtype: y.dtype === 'int32' ? 'int32' : 'float32',
          seed: shardSeed(base, i),
        };
        row += k;
        return this.channels[i]!.call<StepResult>('step', req, [req.state.buffer, req.x.buffer, req.y.buffer] as ArrayBuffer[]);
      }),
    );
    // the first failure by worker index (not by time), so the error is the same on every run
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const results = settled.map((r) => (r as PromiseFulfilledResult<StepResult>).value);
    return this.reduce(model, sizes, n, results);
  }

  /** Sums the shards' results in worker order into the model; returns the mean loss. */
  private reduce(model: Module, sizes: number[], n: number, results: StepResult[]): number {
    const grads = new Float64Array(results[0]!.grads.length);
    const stateSum = new Float64Array(results[0]!.state.length);
    let loss = 0;
    results.forEach((r, i) => {
      const w = sizes[i]! / n;
      loss += w * r.loss;
      for (let j = 0; j < grads.length; j++) grads[j]! += w * r.grads[j]!;
      for (let j = 0; j < stateSum.length; j++) stateSum[j]! += w * r.state[j]!;
    });
    let o = 0;
    for (const [pi, p] of model.parameters().entries()) {
      const size = p.size;
      if (results[0]!.hasGrad[pi] && p.requiresGrad) {
        const g = tensor(Float32Array.from(grads.subarray(o, o + size)), p.shape);
        if (p.grad === null) p.setGrad(g);
        else {
          const prev = p.grad;
          p.setGrad(tidy(() => add(prev, g)));
          g.dispose();
        }
      }
      o += size;
    }
    // buffers only: parameters keep their values; integer buffers come from worker 0
    const params = new Set(model.parameters().map((p) => p.data));
    const dict = model.stateDict();
    const merged = Float32Array.from(stateSum);
    let s = 0;
    for (const t of Object.values(dict)) {
      if (t.dtype === 'int32') merged.set(results[0]!.state.subarray(s, s + t.size), s);
      s += t.size;
    }
    unpackState(model, merged, (key) => params.has(dict[key] as never));
    return loss;
  }

  private async checkLayout(model: Module): Promise<void> {
    const mine = layoutOf(model);
    if (this.layout === undefined) {
      const theirs = await Promise.all(this.channels.map((c) => c.call<ReplicaLayout>('layout', null)));
      for (const [i, l] of theirs.entries()) {
        const diff = sameLayout(mine, l);
        if (diff) throw new ArgumentError('DataParallel', `worker ${i}'s model differs from the trained model: ${diff}`);
      }
      this.layout = mine;
    } else {
      const diff = sameLayout(mine, this.layout);
      if (diff) throw new ArgumentError('DataParallel', `the model differs from the one the workers were checked against: ${diff}`);
    }
  }

  /** Stops every worker (idempotent); later `backward` calls throw. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.channels.map((c) => c.close()));
  }
}
