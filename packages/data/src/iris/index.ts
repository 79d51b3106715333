// @nnkit/data iris: Fisher's iris data shipped in the package, data set and tutorial splits.
export { IRIS_FEATURES, IRIS_LABELS } from './iris-data.js';
export {
  loadIris,
  IrisDataset,
  irisSplits,
  IRIS_CLASS_NAMES,
  IRIS_FEATURE_NAMES,
  type IrisData,
  type LoadIrisOptions,
  type IrisSplitOptions,
  type IrisSplits,
} from './load-iris.js';
