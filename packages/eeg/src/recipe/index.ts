// Owned by the training-recipe area; an explicit list of named exports.
export {
  predictProba,
  trainWithinSubject,
  type EegClassifier,
  type EpochInfo,
  type RecipeOptimizer,
  type WithinSubjectOptions,
  type WithinSubjectResult,
} from './train-within-subject.js';
export { applyChannelZScore, fitChannelZScore, type ChannelZScore, type TrialArrays } from './zscore.js';
