import { add, matMul, reshape, type Tensor } from '@tensorflow/tfjs-core';
import type { Conv2d } from '@nnkit/nn';

/**
 * A 1×1 `Conv2d` applied to flattened positions: x `[B, Cin, N]` → `[B, Cout, N]`, as one
 * (broadcast) matrix product with the conv's own weight and bias — no NCHW↔NHWC transposes.
 * Same result and gradients as `conv.call(x.reshape([B, Cin, H, W]))`.
 * @internal
 */
export function pointwise(conv: Conv2d, x: Tensor): Tensor {
  const w = reshape(conv.weight.data, [conv.outChannels, conv.inChannels]);
  const y = matMul(w, x);
  return conv.bias === null ? y : add(y, reshape(conv.bias.data, [conv.outChannels, 1]));
}

/** x `[B, C, H, W]` → `[B, C, H·W]`. @internal */
export function flat(x: Tensor): Tensor {
  return reshape(x, [x.shape[0]!, x.shape[1]!, x.shape[2]! * x.shape[3]!]);
}
