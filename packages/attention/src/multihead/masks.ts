import { add, cast, concat, reshape, tile, type Tensor, where, zeros, fill } from '@tensorflow/tfjs-core';
import { ShapeError } from '@nnkit/tensor';

/** A bool (or int: non-zero = masked) mask → an additive float mask (−∞ where masked); a float mask as is. */
export function additive(mask: Tensor): Tensor {
  if (mask.dtype === 'float32') return mask;
  const b = mask.dtype === 'bool' ? mask : cast(mask, 'bool');
  return where(b, fill(mask.shape, -Infinity), zeros(mask.shape));
}

/** Appends `n` zero (not masked) columns to the last axis of an additive mask. */
export function padColumns(mask: Tensor, n: number): Tensor {
  if (n === 0) return mask;
  return concat([mask, zeros([...mask.shape.slice(0, -1), n])], mask.rank - 1);
}

/**
 * The additive attention bias `[B·heads | 1, L, S]` (or null) from torch's `attn_mask`
 * (`[L, S]` or `[B·heads, L, S]`) and `key_padding_mask` (`[B, S]`), bool or float, after
 * `extra` columns (bias_k, add_zero_attn) were appended to the keys. Shapes are checked against
 * the original S.
 * @internal
 */
export function attentionBias(
  where_: string,
  attnMask: Tensor | undefined,
  keyPaddingMask: Tensor | undefined,
  b: number,
  heads: number,
  l: number,
  s: number,
  extra: number,
): Tensor | null {
  let bias: Tensor | null = null;
  if (attnMask !== undefined) {
    if (attnMask.rank === 2) {
      if (attnMask.shape[0] !== l || attnMask.shape[1] !== s) throw new ShapeError(where_, `[${l}, ${s}] (target length L, source length S) or [${b * heads}, ${l}, ${s}]`, attnMask.shape, 'attnMask');
      bias = reshape(additive(attnMask), [1, l, s]);
    } else if (attnMask.rank === 3) {
      if (attnMask.shape[0] !== b * heads || attnMask.shape[1] !== l || attnMask.shape[2] !== s) {
        throw new ShapeError(where_, `[${b * heads}, ${l}, ${s}] (batch·heads, L, S) or [${l}, ${s}]`, attnMask.shape, 'attnMask');
      }
      bias = additive(attnMask);
    } else throw new ShapeError(where_, `[${l}, ${s}] or [${b * heads}, ${l}, ${s}]`, attnMask.shape, 'attnMask');
    bias = padColumns(bias, extra);
  }
  if (keyPaddingMask !== undefined) {
    if (keyPaddingMask.rank !== 2 || keyPaddingMask.shape[0] !== b || keyPaddingMask.shape[1] !== s) {
      throw new ShapeError(where_, `[${b}, ${s}] (batch, source length S)`, keyPaddingMask.shape, 'keyPaddingMask');
    }
    const kp = padColumns(additive(keyPaddingMask), extra); // [b, S']
    const sp = s + extra;
    const per = reshape(tile(reshape(kp, [b, 1, 1, sp]), [1, heads, 1, 1]), [b * heads, 1, sp]);
    bias = bias === null ? per : add(bias, per);
  }
  return bias;
}
