// Owned by one area; an explicit list of named exports.
export { renorm } from './renorm.js';
