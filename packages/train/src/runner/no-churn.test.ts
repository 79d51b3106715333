import { Accuracy } from '@nnkit/metrics';
import { BatchNorm1d, Conv1d, CrossEntropyLoss, Linear, Module, ReLU } from '@nnkit/nn';
import { initBackend, manualSeed } from '@nnkit/tensor';
import { memory, reshape, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from '../optim/adam.js';
import { Runner } from './runner.js';
import { memoryStorage } from './storage.js';
import { ArrayLoader, blobs, TestRng } from './test-utils.js';

// No allocation churn per step: over many epochs of fit (train steps + an eval pass per epoch,
// so the eval-mode weight cache fills and is freed every epoch) the live tensor count and the
// tfjs byte count stay exactly flat, and RSS does not grow. NNKIT_CHURN_LONG=1 runs 1,000 epochs
// and also bounds the RSS growth.

const LONG = process.env.NNKIT_CHURN_LONG === '1';
const EPOCHS = LONG ? 1000 : 100;

/** x: [B, 4] → logits [B, 3]: a conv, a batch norm (cached in eval), two linears. */
class Tiny extends Module {
  readonly conv = this.registerModule('conv', new Conv1d(1, 4, 3, { padding: 'same' }));
  readonly bn = this.registerModule('bn', new BatchNorm1d(4));
  readonly act = this.registerModule('act', new ReLU());
  readonly fc1 = this.registerModule('fc1', new Linear(16, 8));
  readonly fc2 = this.registerModule('fc2', new Linear(8, 3));
  forward(x: Tensor): Tensor {
    const b = x.shape[0]!;
    const h = this.act.call(this.bn.call(this.conv.call(reshape(x, [b, 1, 4])))); // [B, 4, 4]
    return this.fc2.call(this.act.call(this.fc1.call(reshape(h, [b, 16]))));
  }
}

describe('no allocation churn per step', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it(`tensor count and tfjs bytes flat over ${EPOCHS} epochs of Runner.fit with a dev pass each epoch (wasm)`, async () => {
    manualSeed(0);
    const model = new Tiny();
    const tr = blobs(48, 1);
    const dv = blobs(12, 2);
    const seen: Array<{ tensors: number; bytes: number; rss: number }> = [];
    const runner = new Runner({
      model,
      optimizer: new Adam(model.parameters(), { lr: 1e-2 }),
      lossFn: new CrossEntropyLoss(),
      metrics: [new Accuracy()],
      storage: memoryStorage(),
      log: null,
    });
    const train = new ArrayLoader(tr.x, tr.y, 4, 16, new TestRng(7));
    const dev = new ArrayLoader(dv.x, dv.y, 4, 6);
    const probe = {
      onEpochEnd: (): void => {
        const m = memory();
        seen.push({ tensors: m.numTensors, bytes: m.numBytes, rss: process.memoryUsage().rss });
      },
    };
    await runner.fit(train, { epochs: EPOCHS, devLoader: dev, callbacks: [probe] });
    expect(seen.length).toBe(EPOCHS);
    // from the second epoch on (the optimizer's state exists after the first step) nothing grows
    const ref = seen[1]!;
    for (const [i, s] of seen.entries()) {
      if (i < 1) continue;
      expect(s.tensors, `numTensors after epoch ${i + 1}`).toBe(ref.tensors);
      expect(s.bytes, `numBytes after epoch ${i + 1}`).toBe(ref.bytes);
    }
    const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
    const rss10 = seen[Math.floor(EPOCHS / 10)]!.rss;
    const rssEnd = seen.at(-1)!.rss;
    if (process.env.NNKIT_VERBOSE) console.log(`RSS after epoch ${Math.floor(EPOCHS / 10) + 1}: ${mib(rss10)} MiB, after ${EPOCHS}: ${mib(rssEnd)} MiB`);
    // RSS is noisy (GC timing, other processes' pages): bounded only in the long run
    if (LONG) expect(rssEnd - rss10).toBeLessThan(64 * 2 ** 20);
    model.dispose();
    runner.optimizer.dispose();
  }, LONG ? 600_000 : 120_000);
});
