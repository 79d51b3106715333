// @nnkit/data transforms: feature scaling, EEG signal processing, image transforms.
export { compose, type Transform } from './compose.js';
export { MinMaxScaler, ZScore, minMaxNormalize, type FeatureInput, type ScalerState } from './scalers.js';
export { mapRows, type Signal1D, type SignalInput, type SignalOutput } from './signal-util.js';
export {
  bandpass,
  butterSos,
  sosfiltfilt,
  sosfiltZi,
  sosfiltInPlace,
  type Sos,
  type BandType,
  type PadType,
  type SosfiltfiltOptions,
  type BandpassOptions,
} from './butterworth.js';
export { resample, resamplePoly, firwinKaiser, type ResampleOptions } from './resample.js';
export { exponentialMovingStandardize, type ExponentialMovingStandardizeOptions } from './eeg-standardize.js';
export { cropTime } from './crop-time.js';
export {
  resize,
  centerCrop,
  toTensor,
  normalize,
  randomHorizontalFlip,
  randomCrop,
  IMAGENET_MEAN,
  IMAGENET_STD,
  type RawImage,
  type RandomCropOptions,
} from './image.js';
