export * from './core/index.js';
export * from './transforms/index.js';
export * from './iris/index.js';
export * from './cv/index.js';
export * from './formats/index.js';
export * from './eeg/index.js';
