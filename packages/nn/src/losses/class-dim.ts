import { type Tensor, cast, reshape, transpose } from '@tensorflow/tfjs-core';
import { LossShapeError, fmt } from './validate.js';

/** Input `[N, C, d1, …]` (or unbatched `[C]`) viewed as rows `[M, C]`, with the shape of the per-row result. */
export interface ClassRows {
  /** `[M, C]`, class dimension last. */
  rows: Tensor;
  /** Number of classes. */
  C: number;
  /** Shape of a per-row loss before reduction: `[N, d1, …]`, or `[]` when unbatched. */
  outShape: number[];
}

/** Moves the class dimension (dim 1; dim 0 when unbatched) last and flattens the rest. */
export function classRows(who: string, input: Tensor): ClassRows {
  if (input.rank === 0) throw new LossShapeError(who, 'input of shape [N, C, d1, ...] or [C]', input.shape);
  const x = cast(input, 'float32');
  if (input.rank === 1) return { rows: reshape(x, [1, input.shape[0]!]), C: input.shape[0]!, outShape: [] };
  const C = input.shape[1]!;
  const outShape = [input.shape[0]!, ...input.shape.slice(2)];
  if (input.rank === 2) return { rows: x, C, outShape };
  const perm = [0, ...Array.from({ length: input.rank - 2 }, (_, i) => i + 2), 1];
  return { rows: reshape(transpose(x, perm), [-1, C]), C, outShape };
}

/** Checks that class-index `target` has the input's shape without the class dim. */
export function checkIndexTarget(who: string, input: Tensor, target: Tensor, outShape: readonly number[]): void {
  if (target.rank !== outShape.length || target.shape.some((d, i) => d !== outShape[i])) {
    throw new LossShapeError(
      who,
      `target of class indices with shape ${fmt(outShape)} for input ${fmt(input.shape)} (or probabilities of shape ${fmt(input.shape)})`,
      target.shape,
      'target shape',
    );
  }
}
