// Owned by one area; an explicit list of named exports.
export { BasicConv2d, type BasicConv2dOptions } from './basic-conv2d.js';
export { InceptionA, InceptionB } from './inception-a-b.js';
export { InceptionC, InceptionD } from './inception-c-d.js';
export { InceptionE } from './inception-e.js';
export { InceptionAux } from './inception-aux.js';
export {
  Inception3,
  inceptionV3,
  INCEPTION_MIN_SIZE,
  INCEPTION_AUX_MIN_SIZE,
  type Inception3Options,
  type InceptionOutputs,
} from './inception-v3.js';
