// The trial of the queue tests: a softmax regression (Linear(d, 2)) trained full-batch with plain
// SGD on its fold's rows, checkpointed after every epoch into ctx.checkpointDir so that a trial
// retried on another worker resumes where the killed one stopped (SGD without momentum: the
// weights and the epoch are the whole state, so a resumed run ends with the same weights).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backward, crossEntropy, Linear, noGrad } from '@nnkit/nn';
import { ArgumentError, initBackend, manualSeed } from '@nnkit/tensor';
import type { TrialContext } from '@nnkit/train';
import { SGD } from '@nnkit/train';
import { argMax, equal, sum, tensor, tensor2d, tensor1d, tidy } from '@tensorflow/tfjs-core';

export interface BlobData {
  x: Float32Array;
  y: Int32Array;
  dim: number;
  length: number;
}

export async function setup(): Promise<void> {
  await initBackend('wasm');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function trial(ctx: TrialContext<BlobData>): Promise<Record<string, number>> {
  await initBackend('wasm');
  if (ctx.params['fail'] === true) throw new ArgumentError('mlp-trial', 'boom: this configuration always fails');
  const { x, y, dim } = ctx.data;
  const rows = (idx: number[]) => [tensor2d(idx.flatMap((i) => Array.from(x.subarray(i * dim, (i + 1) * dim))), [idx.length, dim]), tensor1d(idx.map((i) => y[i]!), 'int32')] as const;
  manualSeed(ctx.seed + ctx.fold);
  const model = new Linear(dim, 2);
  const lr = ctx.params['lr'] as number;
  const epochs = ctx.params['epochs'] as number;
  const sleepMs = (ctx.params['sleepMs'] as number | undefined) ?? 0;
  const opt = new SGD(model.parameters(), { lr });
  let start = 0;
  const ckpt = ctx.checkpointDir !== undefined ? join(ctx.checkpointDir, 'state.json') : undefined;
  if (ckpt && existsSync(ckpt)) {
    const saved = JSON.parse(readFileSync(ckpt, 'utf8')) as { epoch: number; weights: Record<string, number[]> };
    const sd = model.stateDict();
    model.loadStateDict(Object.fromEntries(Object.entries(saved.weights).map(([k, v]) => [k, tensor(v, sd[k]!.shape)])));
    start = saved.epoch;
    writeFileSync(join(ctx.checkpointDir!, 'resumed'), String(start));
  }
  const [xt, yt] = rows(ctx.trainIndex);
  for (let epoch = start; epoch < epochs; epoch++) {
    opt.zeroGrad();
    backward(() => crossEntropy(model.call(xt), yt), model).dispose();
    opt.step();
    if (ckpt) {
      mkdirSync(ctx.checkpointDir!, { recursive: true });
      const weights = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]));
      writeFileSync(`${ckpt}.tmp`, JSON.stringify({ epoch: epoch + 1, weights }));
      renameSync(`${ckpt}.tmp`, ckpt);
    }
    ctx.progress?.({ epoch: epoch + 1, epochs, pid: process.pid });
    if (sleepMs) await sleep(sleepMs);
  }
  const [xs, ys] = rows(ctx.testIndex);
  const [loss, acc] = noGrad(() =>
    tidy(() => {
      const logits = model.call(xs);
      return [crossEntropy(logits, ys).dataSync()[0]!, sum(equal(argMax(logits, 1), ys)).dataSync()[0]! / ctx.testIndex.length];
    }),
  );
  for (const t of [xt, yt, xs, ys]) t.dispose();
  opt.dispose?.();
  model.dispose();
  return { acc: acc!, loss: loss! };
}
