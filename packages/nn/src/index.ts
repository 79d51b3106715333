export { Parameter, type ParameterOptions } from './parameter.js';
export {
  Module,
  type BufferOptions,
  type ForwardHook,
  type ForwardPreHook,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  type RemovableHandle,
} from './module.js';
export { ShapeError, StateDictError } from './errors.js';
export { WeightCache } from './weight-cache.js';
export type { ModelEntry } from './model-entry.js';
export * from './layers/conv/index.js';
export * from './layers/basic/index.js';
export * as init from './init/index.js';
export * from './containers/index.js';
export * from './io/index.js';
export * from './summary/index.js';
export * from './losses/index.js';
export * from './autograd/index.js';
