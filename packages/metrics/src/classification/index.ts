export { Accuracy, accuracy, type AccuracyOptions } from './accuracy.js';
export {
  ConfusionAccumulator,
  ConfusionMatrix,
  confusionMatrix,
  normalizeMatrix,
  type ConfusionMatrixOptions,
  type ConfusionOptions,
} from './confusion.js';
export {
  F1Score,
  Precision,
  Recall,
  f1Score,
  precision,
  precisionRecallF1,
  recall,
  type Average,
  type PerClassPrecisionRecallF1,
  type PrecisionRecallF1Options,
  type PrecisionRecallF1Result,
  type StreamingPrfOptions,
} from './precision-recall-f1.js';
export { CohenKappa, cohenKappa, type CohenKappaOptions } from './cohen-kappa.js';
export { BalancedAccuracy, balancedAccuracy, type BalancedAccuracyOptions } from './balanced-accuracy.js';
export { RocAuc, rocAuc, rocCurve, type RocCurve, type RocOptions } from './roc.js';
export { MetricCollection } from './metric-collection.js';
