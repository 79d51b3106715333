export * from './optim/index.js';
export * from './schedulers/index.js';
export * from './runner/index.js';
export * from './callbacks/index.js';
export * from './search/index.js';
export * from './parallel/index.js';
