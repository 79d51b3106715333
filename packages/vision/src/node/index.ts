// @nnkit/vision/node: Node-only helpers (image file decoding, the digits file).
export { decodeImage, type DecodeImageOptions } from './decode-image.js';
export { readDigitsCsv, type ReadDigitsCsvOptions } from './read-digits-csv.js';
