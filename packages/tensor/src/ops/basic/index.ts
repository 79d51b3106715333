// Owned by one area; an explicit list of named exports.
export { softmax, logSoftmax } from './softmax.js';
export { gelu, type GeluApproximate } from './gelu.js';
export { permute, flatten, unsqueeze, squeeze } from './shape.js';
export { bmm } from './bmm.js';
export { linear } from './linear.js';
export { dropout, dropout2d } from './dropout.js';
export { interpolateNearest, nearestIndices } from './interpolate.js';
export { padNd, type PadMode, type PadOptions } from './pad.js';
export { normalizeDim } from './dims.js';
export { unaryCustomGrad } from './custom-unary.js';
export { manualSeed, initialSeed, nextSeed, randomFloat, seededRandom, getRngState, setRngState, type RngState } from './random.js';
