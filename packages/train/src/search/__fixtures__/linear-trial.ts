// A tiny trial for the gridSearch tests: fit y = 2x + 1 with Linear(1, 1) and SGD through the
// Runner on the fold's training rows; the score is minus the MSE on the fold's test rows.
import { Linear, mseLoss } from '@nnkit/nn';
import { initBackend, manualSeed } from '@nnkit/tensor';
import { tensor } from '@tensorflow/tfjs-core';
import { Runner } from '../../runner/runner.js';
import { memoryStorage } from '../../runner/storage.js';
import { SGD } from '../../optim/sgd.js';
import type { TrialContext } from '../types.js';

export interface LineData {
  x: number[];
  y: number[];
  length: number;
}

/** Once per worker: start the backend (each worker thread has its own tfjs engine). */
export async function setup(): Promise<void> {
  await initBackend();
}

export async function trial(ctx: TrialContext<LineData>): Promise<Record<string, number>> {
  await initBackend();
  manualSeed(ctx.seed);
  const { x, y } = ctx.data;
  const pick = (idx: number[]) => [tensor(idx.map((i) => [x[i]!])), tensor(idx.map((i) => [y[i]!]))] as const;
  const model = new Linear(1, 1);
  const lr = ctx.params['lr'] as number;
  const runner = new Runner({ model, optimizer: new SGD(model.parameters(), { lr }), lossFn: mseLoss, storage: memoryStorage(), log: null });
  const epochs = ctx.params['epochs'] as number;
  const batches = { *[Symbol.iterator]() { yield pick(ctx.trainIndex); } };
  await runner.fit(batches, { epochs });
  const { loss } = await runner.evaluate([pick(ctx.testIndex)]);
  model.dispose();
  return { neg_mse: -loss, thread: (await import('node:worker_threads')).isMainThread ? 0 : 1 };
}
