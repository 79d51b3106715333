// @nnkit/data core: generator, datasets, samplers, collate, DataLoader.
export { Generator, defaultGenerator, manualSeed, type GeneratorState } from './generator.js';
export { Dataset, IterableDataset, TensorDataset, Subset, ConcatDataset, checkIndex, type MaybePromise } from './dataset.js';
export { FileListDataset, MappedDataset } from './file-list-dataset.js';
export { randomSplit, splitLengths } from './random-split.js';
export {
  SequentialSampler,
  RandomSampler,
  SubsetRandomSampler,
  WeightedRandomSampler,
  BatchSampler,
  type Sampler,
  type BatchSamplerLike,
  type Sized,
  type RandomSamplerOptions,
  type WeightedRandomSamplerOptions,
} from './sampler.js';
export { defaultCollate, disposeBatch, collectTensors, type TypedArray } from './collate.js';
export { DataLoader, type DataLoaderOptions } from './data-loader.js';
export type { SamplePool, SampleWorkers, WorkerDatasetSpec } from './sample-workers.js';
