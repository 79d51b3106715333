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
