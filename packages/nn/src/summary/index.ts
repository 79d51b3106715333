// Owned by one area; an explicit list of named exports.
export { summary, printSummary, type SummaryOptions } from './summary.js';
export type { ModelSummary, MultAddsCounter, SummaryMemory, SummaryRow } from './types.js';
