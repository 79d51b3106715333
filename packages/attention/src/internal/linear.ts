import { add, fused, relu, type Tensor } from '@tensorflow/tfjs-core';
import { isRecordingGradients } from '@nnkit/tensor';
import { mm } from './matmul.js';

/**
 * `x · w + b` (then ReLU when asked) for x `[M, K]`, w `[K, N]`, b `[N]` → `[M, N]`. Outside a
 * gradient tape this is one fused matMul kernel (on wasm, XNNPACK's fully connected operator,
 * cached by the backend on `w` — pass the same weight tensor between calls, e.g. from a
 * `WeightCache`); under a tape it is plain differentiable ops (see {@link mm}).
 * @internal
 */
export function linear(x: Tensor, w: Tensor, b: Tensor, activation: 'linear' | 'relu' = 'linear'): Tensor {
  if (!isRecordingGradients()) return fused.matMul({ a: x, b: w, bias: b, activation });
  const y = add(mm(x, w), b);
  return activation === 'relu' ? relu(y) : y;
}
