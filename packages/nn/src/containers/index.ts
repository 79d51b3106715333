// Owned by one area; an explicit list of named exports.
export { Sequential } from './sequential.js';
export { ModuleList } from './module-list.js';
export { ModuleDict } from './module-dict.js';
export { ParameterList } from './parameter-list.js';
export { ParameterDict } from './parameter-dict.js';
