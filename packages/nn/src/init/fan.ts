import { ShapeError, ArgumentError } from '@nnkit/tensor';
/** Nonlinearities known to {@link calculateGain} (PyTorch's names). */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

/**
 * Recommended gain for an initialisation followed by `nonlinearity`, like
 * `torch.nn.init.calculate_gain`: 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for relu,
 * √(2 / (1 + slope²)) for leaky_relu (`param` = negative slope, default 0.01), 3/4 for selu.
 *
 * @example
 * ```ts
 * calculateGain('relu');             // 1.4142…
 * calculateGain('leaky_relu', 0.2);  // 1.3868…
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope)) throw new ArgumentError('calculateGain', `negative_slope ${slope} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ArgumentError('calculateGain', `unsupported nonlinearity '${String(nonlinearity)}'`);
  }
}

/**
 * `[fanIn, fanOut]` of a weight of shape `shape`, like PyTorch's `_calculate_fan_in_and_fan_out`:
 * Linear `[out, in]` → `[in, out]`; conv `[out, in/groups, ...k]` → `[in/groups·∏k, out·∏k]`.
 *
 * @example
 * ```ts
 * calculateFanInAndFanOut([8, 1, 1, 32]); // [32, 256]
 * ```
 */
export function calculateFanInAndFanOut(shape: readonly number[]): [number, number] {
  if (shape.length < 2) {
    throw new ShapeError('calculateFanInAndFanOut', 'at least 2 dimensions (fan in and fan out can not be computed for fewer)', shape, 'tensor');
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return [shape[1]! * receptive, shape[0]! * receptive];
}

/** Fan used by the Kaiming initialisers. */
export type FanMode = 'fan_in' | 'fan_out';

/** `fanIn` or `fanOut` of `shape` per `mode` (PyTorch's `_calculate_correct_fan`). @example `calculateCorrectFan([6, 4], 'fan_in') // 4` */
export function calculateCorrectFan(shape: readonly number[], mode: FanMode): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new ArgumentError('calculateFanInAndFanOut', `mode ${String(mode)} not supported, please use one of fan_in, fan_out`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(shape);
  return mode === 'fan_in' ? fanIn : fanOut;
}
