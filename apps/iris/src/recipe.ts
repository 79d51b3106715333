import { DataLoader, Generator, irisSplits } from '@nnkit/data';
import { Accuracy } from '@nnkit/metrics';
import { CrossEntropyLoss } from '@nnkit/nn';
import { manualSeed } from '@nnkit/tensor';
import { type History, memoryStorage, type ModelStorage, Runner, SGD } from '@nnkit/train';
import { IrisMLP } from './model.js';

/** Options of {@link runIrisRecipe}; the defaults are the tutorial's. */
export interface IrisRecipeOptions {
  /** Seed of the split shuffle, the loader shuffle and the weight init. Default 0. */
  seed?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  logSteps?: number;
  evalSteps?: number;
  /** Where the best dev model goes (default `best_model` in an in-memory storage). */
  savePath?: string;
  storage?: ModelStorage;
  /** Runner log lines (default none). */
  log?: ((line: string) => void) | null;
}

/** What {@link runIrisRecipe} returns. */
export interface IrisRecipeResult {
  testAccuracy: number;
  testLoss: number;
  bestDevAccuracy: number;
  history: History;
  trainMs: number;
}

/**
 * The iris tutorial end to end: min-max normalisation, shuffle, 120/15/15 split, MLP 4-6-3 with
 * sigmoid (weights N(0, 0.01), bias 1), SGD lr 0.2, batch 16, 150 epochs, logSteps 100,
 * evalSteps 50, the best dev model saved and reloaded, then the test accuracy.
 *
 * @example
 * ```ts
 * const { testAccuracy } = await runIrisRecipe({ seed: 0 });
 * ```
 */
export async function runIrisRecipe(opts: IrisRecipeOptions = {}): Promise<IrisRecipeResult> {
  const seed = opts.seed ?? 0;
  manualSeed(seed);
  const { train, dev, test } = irisSplits({ seed });
  const batchSize = opts.batchSize ?? 16;
  const trainLoader = new DataLoader(train, { batchSize, shuffle: true, generator: new Generator(seed) });
  const devLoader = new DataLoader(dev, { batchSize });
  const testLoader = new DataLoader(test, { batchSize });
  const model = new IrisMLP();
  const runner = new Runner({
    model,
    optimizer: new SGD(model.parameters(), { lr: opts.lr ?? 0.2 }),
    lossFn: new CrossEntropyLoss(),
    metrics: [new Accuracy()],
    storage: opts.storage ?? memoryStorage(),
    log: opts.log ?? null,
  });
  const savePath = opts.savePath ?? 'best_model';
  const t0 = performance.now();
  await runner.fit(trainLoader, {
    epochs: opts.epochs ?? 150,
    devLoader,
    logSteps: opts.logSteps ?? 100,
    evalSteps: opts.evalSteps ?? 50,
    savePath,
  });
  const trainMs = performance.now() - t0;
  await runner.loadModel(savePath);
  const { loss, accuracy } = await runner.evaluate(testLoader);
  model.dispose();
  return { testAccuracy: accuracy ?? Number.NaN, testLoss: loss, bestDevAccuracy: runner.bestScore, history: runner.history, trainMs };
}
