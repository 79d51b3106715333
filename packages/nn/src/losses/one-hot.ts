import { type Tensor, cast, oneHot } from '@tensorflow/tfjs-core';

/** `oneHot(t, C)` as float32 `[..., C]` (tfjs-wasm ignores oneHot's dtype argument). Package-private. */
export function oneHotF(indices: Tensor, depth: number): Tensor {
  return cast(oneHot(cast(indices, 'int32'), depth), 'float32');
}
