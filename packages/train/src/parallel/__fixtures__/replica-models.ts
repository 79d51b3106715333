// Model factories for the data-parallel tests (loaded by the worker threads).
import { BatchNorm1d, Dropout, Linear, Module, ReLU, Sequential } from '@nnkit/nn';
import { manualSeed } from '@nnkit/tensor';
import type { Tensor } from '@tensorflow/tfjs-core';

/** Options of the test models. */
export interface TestModelOptions {
  /** Add BatchNorm1d after the first layer. */
  bn?: boolean;
  /** Add Dropout(0.3). */
  dropout?: boolean;
  /** Hidden width (a different value makes a model of another shape). */
  hidden?: number;
}

/** Tripwires for the failure tests: a shard of 3 rows throws, a shard of 1 row exits the worker thread. */
class Tripwire extends Module {
  forward(x: Tensor): Tensor {
    if (x.shape[0] === 1) process.exit(3);
    if (x.shape[0] === 3) throw new Error('forward failed on purpose');
    return x;
  }
}

/** 6 → hidden (BN?, ReLU, dropout?) → 3, then a {@link Tripwire}. */
export function createModel(o: TestModelOptions = {}): Module {
  manualSeed(5);
  const h = o.hidden ?? 8;
  const layers: Module[] = [new Linear(6, h)];
  if (o.bn) layers.push(new BatchNorm1d(h));
  layers.push(new ReLU());
  if (o.dropout) layers.push(new Dropout(0.3));
  layers.push(new Linear(h, 3));
  layers.push(new Tripwire());
  return new Sequential(...layers);
}

/** A factory that throws. */
export function broken(): Module {
  throw new Error('cannot build this model');
}
