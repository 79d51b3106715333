import { add, reshape, type Tensor } from '@tensorflow/tfjs-core';
import { mm } from './matmul.js';
import type { Conv2d } from '@nnkit/nn';
import { tr } from './transpose.js';

/**
 * A 1×1 `Conv2d` applied to flattened positions: x `[B, Cin, N]` → `[B, Cout, N]`, as one
 * (broadcast) matrix product with the conv's own weight and bias — no NCHW↔NHWC transposes.
 * Same result and gradients as `conv.call(x.reshape([B, Cin, H, W]))`.
 * @internal
 */
export function pointwise(conv: Conv2d, x: Tensor): Tensor {
  const [b, cin, n] = x.shape as [number, number, number];
  const cout = conv.outChannels;
  const w = reshape(conv.weight.data, [cout, cin]);
  // one 2-D product [Cout, Cin] x [Cin, B·N]
  const x2 = b === 1 ? reshape(x, [cin, n]) : reshape(tr(x, [1, 0, 2]), [cin, b * n]);
  let y = mm(w, x2);
  if (conv.bias !== null) y = add(y, reshape(conv.bias.data, [cout, 1]));
  return b === 1 ? reshape(y, [1, cout, n]) : tr(reshape(y, [cout, b, n]), [1, 0, 2]);
}

/** x `[B, C, H, W]` → `[B, C, H·W]`. @internal */
export function flat(x: Tensor): Tensor {
  return reshape(x, [x.shape[0]!, x.shape[1]!, x.shape[2]! * x.shape[3]!]);
}
