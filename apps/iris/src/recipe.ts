import { DataLoader, Generator, IrisDataset, irisSplits } from '@nnkit/data';
import { Accuracy } from '@nnkit/metrics';
import { CrossEntropyLoss, type Module } from '@nnkit/nn';
import { manualSeed } from '@nnkit/tensor';
import { type Callback, type History, memoryStorage, type ModelStorage, Runner, SGD } from '@nnkit/train';
import { argMax, softmax, type Tensor, tensor2d, tidy } from '@tensorflow/tfjs-core';
import { IrisMLP } from './model.js';

/** A classifier of iris rows: `[B, F]` → logits `[B, 3]`. */
export type IrisModel = Module & { call(x: Tensor): Tensor };

/** Options of {@link runIrisRecipe}; the defaults are the tutorial's. */
export interface IrisRecipeOptions {
  /** Seed of the split shuffle, the loader shuffle and the weight init. Default 0. */
  seed?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  logSteps?: number;
  evalSteps?: number;
  /** Builds the model (after `manualSeed(seed)`); default the tutorial's MLP 4-6-3. */
  createModel?: (inFeatures: number) => IrisModel;
  /** Feature columns to train on (e.g. `[2, 3]`: petal length and width); default all four. */
  features?: readonly number[];
  /** Where the best dev model goes (default `best_model` in an in-memory storage). */
  savePath?: string;
  storage?: ModelStorage;
  /** Runner log lines (default none). */
  log?: ((line: string) => void) | null;
  /** Extra Runner callbacks (e.g. a progress bar). */
  callbacks?: Callback[];
  /** Keep the trained model (the caller disposes it) instead of disposing it. Default false. */
  keepModel?: boolean;
}

/** One test flower with its true and predicted class. */
export interface IrisPrediction {
  /** Features as fed to the model (min-max normalised). */
  features: number[];
  trueClass: number;
  predictedClass: number;
  /** Softmax probabilities of the 3 classes. */
  probabilities: number[];
}

/** What {@link runIrisRecipe} returns. */
export interface IrisRecipeResult {
  testAccuracy: number;
  testLoss: number;
  bestDevAccuracy: number;
  history: History;
  trainMs: number;
  /** The first test flower, predicted by the reloaded best model. */
  prediction: IrisPrediction;
  /** The trained (best-dev) model, when `keepModel`. */
  model?: IrisModel;
}

/** The rows of `ds` restricted to feature columns `cols`. */
export function selectFeatures(ds: IrisDataset, cols: readonly number[] | undefined): IrisDataset {
  if (!cols) return ds;
  const F = ds.data.featureNames.length;
  const n = ds.length;
  const features = new Float32Array(n * cols.length);
  for (let i = 0; i < n; i++) cols.forEach((c, j) => (features[i * cols.length + j] = ds.data.features[i * F + c]!));
  return new IrisDataset({ ...ds.data, features, featureNames: cols.map((c) => ds.data.featureNames[c]!) });
}

/**
 * The iris tutorial end to end: min-max normalisation, shuffle, 120/15/15 split, a model (the
 * MLP 4-6-3 with sigmoid, weights N(0, 0.01), bias 1 by default), SGD lr 0.2, batch 16, 150 epochs,
 * logSteps 100, evalSteps 50, the best dev model saved and reloaded, then the test accuracy and
 * one prediction.
 *
 * @example
 * ```ts
 * const { testAccuracy, prediction } = await runIrisRecipe({ seed: 0 });
 * ```
 */
export async function runIrisRecipe(opts: IrisRecipeOptions = {}): Promise<IrisRecipeResult> {
  const seed = opts.seed ?? 0;
  manualSeed(seed);
  const splits = irisSplits({ seed });
  const [train, dev, test] = [splits.train, splits.dev, splits.test].map((d) => selectFeatures(d, opts.features)) as [IrisDataset, IrisDataset, IrisDataset];
  const batchSize = opts.batchSize ?? 16;
  const trainLoader = new DataLoader(train, { batchSize, shuffle: true, generator: new Generator(seed) });
  const devLoader = new DataLoader(dev, { batchSize });
  const testLoader = new DataLoader(test, { batchSize });
  const inFeatures = train.data.featureNames.length;
  const model = opts.createModel ? opts.createModel(inFeatures) : new IrisMLP();
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
    ...(opts.callbacks ? { callbacks: opts.callbacks } : {}),
  });
  const trainMs = performance.now() - t0;
  await runner.loadModel(savePath);
  const { loss, accuracy } = await runner.evaluate(testLoader);
  const [features, trueClass] = test.get(0) as [Float32Array, number];
  model.eval();
  const probs = tidy(() => softmax(model.call(tensor2d(features, [1, features.length]))));
  const probabilities = Array.from(probs.dataSync() as Float32Array);
  probs.dispose();
  const predictedClass = probabilities.indexOf(Math.max(...probabilities));
  const result: IrisRecipeResult = {
    testAccuracy: accuracy ?? Number.NaN,
    testLoss: loss,
    bestDevAccuracy: runner.bestScore,
    history: runner.history,
    trainMs,
    prediction: { features: Array.from(features), trueClass, predictedClass, probabilities },
  };
  if (opts.keepModel) result.model = model;
  else model.dispose();
  return result;
}

/** Class of every row of a `[M, F]` grid under `model` (for decision-boundary maps). */
export function predictClasses(model: IrisModel, grid: Float32Array, features: number): Int32Array {
  return tidy(() => argMax(model.call(tensor2d(grid, [grid.length / features, features])), 1)).dataSync() as Int32Array;
}
