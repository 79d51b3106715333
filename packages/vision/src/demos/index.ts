// Owned by one area; an explicit list of named exports.
export { SmallCbamCnn, type SmallCbamCnnOptions } from './cbam-cnn.js';
export { parseDigitsCsv, digitsToImages, trainDigits, type DigitsData, type DigitsResult, type TrainDigitsOptions } from './digits.js';
