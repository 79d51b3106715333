// Owned by one area; an explicit list of named exports.
export {
  Optimizer,
  disposeStateDict,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamsInput,
  type ParamState,
  type ZeroGradOptions,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { clipGradNorm_, clipGradValue_, type ClipGradNormOptions } from './clip-grad.js';
export { saveOptimizerState, loadOptimizerState, readOptimizerState } from './state-io.js';
