import { DataLoader, Generator, IRIS_CLASS_NAMES, irisSplits, type IrisSplits } from '@nnkit/data';
import { Accuracy, confusionMatrix } from '@nnkit/metrics';
import { CrossEntropyLoss } from '@nnkit/nn';
import { manualSeed } from '@nnkit/tensor';
import { type Callback, downloadStorage, indexedDbStorage, memoryStorage, type ModelStorage, Runner, SGD } from '@nnkit/train';
import { IrisMLP } from '@nnkit/app-iris/model';

/**
 * The iris tutorial's recipe, as in `apps/iris/src/recipe.ts`: min-max normalisation, seeded
 * shuffle, 120/15/15, MLP 4-6-3 with sigmoid, SGD lr 0.2, batch 16, 150 epochs, logSteps 100,
 * evalSteps 50, the best dev model kept and reloaded before the test.
 */
export const IRIS_RECIPE = { epochs: 150, batchSize: 16, lr: 0.2, logSteps: 100, evalSteps: 50 } as const;

/** Where the Runner's storage sends a path, by its first segment. */
export type StorageRoute = 'memory' | 'idb' | 'download' | 'upload';

/**
 * One `ModelStorage` for the Runner that routes by the path's first segment: `memory/…` (the
 * best dev model during `fit`), `idb/…` (IndexedDB, survives reloads), `download/…` (browser
 * downloads) and `upload/…` (files the user picked, put there before `loadModel`).
 *
 * @example
 * ```ts
 * const storage = routedStorage();
 * await runner.saveModel('idb/iris-mlp'); // → IndexedDB 'nnkit-playground'
 * ```
 */
export function routedStorage(dbName = 'nnkit-playground'): ModelStorage & { routes: Record<StorageRoute, ModelStorage> } {
  const routes: Record<StorageRoute, ModelStorage> = {
    memory: memoryStorage(),
    idb: indexedDbStorage(dbName),
    download: downloadStorage(),
    upload: memoryStorage(),
  };
  const pick = (p: string): { s: ModelStorage; rest: string } => {
    const i = p.indexOf('/');
    const head = p.slice(0, i) as StorageRoute;
    const s = i > 0 ? routes[head] : undefined;
    if (!s) throw new Error(`routedStorage: path '${p}' must start with one of ${Object.keys(routes).join('/, ')}/`);
    return { s, rest: p.slice(i + 1) };
  };
  return {
    routes,
    write: (p, d) => {
      const { s, rest } = pick(p);
      return s.write(rest, d);
    },
    read: (p) => {
      const { s, rest } = pick(p);
      return s.read(rest);
    },
    exists: (p) => {
      const { s, rest } = pick(p);
      return s.exists(rest);
    },
    remove: (p) => {
      const { s, rest } = pick(p);
      return s.remove(rest);
    },
  };
}

/** A model with its Runner (one per page: training, saving and loading all go through it). */
export interface IrisSession {
  seed: number;
  model: IrisMLP;
  runner: Runner;
  storage: ReturnType<typeof routedStorage>;
}

/** The data of one seed: the splits and their loaders (train shuffles with a seeded generator). */
export interface IrisData {
  seed: number;
  splits: IrisSplits;
  trainLoader: DataLoader<[Float32Array, number]>;
  devLoader: DataLoader<[Float32Array, number]>;
  testLoader: DataLoader<[Float32Array, number]>;
}

/** The splits and loaders of `seed` (same split as the Node demo for the same seed). */
export function irisData(seed: number): IrisData {
  const splits = irisSplits({ seed });
  const { batchSize } = IRIS_RECIPE;
  return {
    seed,
    splits,
    trainLoader: new DataLoader(splits.train, { batchSize, shuffle: true, generator: new Generator(seed) }),
    devLoader: new DataLoader(splits.dev, { batchSize }),
    testLoader: new DataLoader(splits.test, { batchSize }),
  };
}

/** A fresh model (initialised from `manualSeed(seed)`) and its Runner. */
export function irisSession(seed: number, storage = routedStorage(), lr: number = IRIS_RECIPE.lr): IrisSession {
  manualSeed(seed);
  const model = new IrisMLP();
  const runner = new Runner({
    model,
    optimizer: new SGD(model.parameters(), { lr }),
    lossFn: new CrossEntropyLoss(),
    metrics: [new Accuracy()],
    storage,
    log: null,
  });
  return { seed, model, runner, storage };
}

/** Path of the best dev model during `fit`. */
export const BEST_PATH = 'memory/best_model';

/** Trains with the recipe (keeping the best dev model), then reloads the best model. */
export async function trainIris(session: IrisSession, data: IrisData, callbacks: readonly Callback[] = [], epochs: number = IRIS_RECIPE.epochs): Promise<number> {
  const { logSteps, evalSteps } = IRIS_RECIPE;
  const t0 = performance.now();
  await session.runner.fit(data.trainLoader, { epochs, devLoader: data.devLoader, logSteps, evalSteps, savePath: BEST_PATH, callbacks });
  const ms = performance.now() - t0;
  await session.runner.loadModel(BEST_PATH);
  return ms;
}

/** Test loss, accuracy and confusion matrix (rows = true class) of the session's model. */
export async function testIris(session: IrisSession, data: IrisData): Promise<{ loss: number; accuracy: number; confusion: number[][] }> {
  const { loss, accuracy } = await session.runner.evaluate(data.testLoader);
  const logits = await session.runner.predict(data.testLoader);
  try {
    const confusion = confusionMatrix(logits, data.splits.test.data.labels, { numClasses: IRIS_CLASS_NAMES.length });
    return { loss, accuracy: accuracy ?? Number.NaN, confusion };
  } finally {
    logits.dispose();
  }
}
