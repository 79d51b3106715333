// Public API of @nnkit/attention: an explicit list of named exports.
export { AttentionGate } from './gates/attention-gate.js';
