// Owned by one area; an explicit list of named exports.
// `import { init } from '@nnkit/nn'` — PyTorch's torch.nn.init, with camelCase and snake_case names.
import { kaimingNormal_, kaimingUniform_, xavierNormal_, xavierUniform_ } from './xavier-kaiming.js';
import { truncNormal_ } from './trunc-normal.js';
import { calculateGain } from './fan.js';

export { constant_, normal_, ones_, uniform_, zeros_ } from './simple.js';
export { kaimingNormal_, kaimingUniform_, xavierNormal_, xavierUniform_, type KaimingOptions } from './xavier-kaiming.js';
export { truncNormal_ } from './trunc-normal.js';
export {
  calculateGain,
  calculateFanInAndFanOut,
  calculateCorrectFan,
  type FanMode,
  type Nonlinearity,
} from './fan.js';
export { type InitTarget } from './target.js';

/** Alias of {@link xavierUniform_} (PyTorch spelling). @example `init.xavier_uniform_(w)` */
export const xavier_uniform_ = xavierUniform_;
/** Alias of {@link xavierNormal_} (PyTorch spelling). @example `init.xavier_normal_(w)` */
export const xavier_normal_ = xavierNormal_;
/** Alias of {@link kaimingUniform_} (PyTorch spelling). @example `init.kaiming_uniform_(w, { a: Math.sqrt(5) })` */
export const kaiming_uniform_ = kaimingUniform_;
/** Alias of {@link kaimingNormal_} (PyTorch spelling). @example `init.kaiming_normal_(w)` */
export const kaiming_normal_ = kaimingNormal_;
/** Alias of {@link truncNormal_} (PyTorch spelling). @example `init.trunc_normal_(w, 0, 0.02)` */
export const trunc_normal_ = truncNormal_;
/** Alias of {@link calculateGain} (PyTorch spelling). @example `init.calculate_gain('relu')` */
export const calculate_gain = calculateGain;
