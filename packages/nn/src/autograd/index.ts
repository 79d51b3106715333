// Owned by one area; an explicit list of named exports.
export { backward, zeroGrad, paramsOf, type ModelOrParams } from './backward.js';
export { grad, noGrad, detach, type GradOptions } from './grad.js';
