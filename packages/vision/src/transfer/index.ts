// Owned by one area; an explicit list of named exports.
export { freezeAllBut, evalFrozenBatchNorm } from './freeze.js';
