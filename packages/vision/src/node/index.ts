// @nnkit/vision/node: Node-only helpers (image file decoding).
export { decodeImage, type DecodeImageOptions } from './decode-image.js';
