import {
  backend_util,
  cast,
  cumprod,
  cumsum,
  div,
  equal,
  mul,
  reshape,
  transpose,
  type GradConfig,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { attrsOf, keptShape, reductionAxes, spread } from './util.js';
import { markShapeOnly } from './shape-only.js';

interface ReduceAttrs {
  axis?: number | number[] | null;
  reductionIndices?: number | number[] | null;
  keepDims?: boolean;
}

function axesOf(attrs: ReduceAttrs, shape: number[]): number[] {
  return reductionAxes(attrs.axis !== undefined ? attrs.axis : attrs.reductionIndices, shape);
}

/** Max/Min: the gradient goes to every element equal to the result (ties all receive dy, as in tfjs). */
function extremum(kernelName: string): GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved as [Tensor, Tensor];
      const axes = axesOf(attrsOf<ReduceAttrs>(attrs), x.shape);
      const kept = keptShape(x.shape, axes);
      return { x: () => mul(cast(equal(x, reshape(y, kept)), 'float32'), reshape(dy as Tensor, kept)) };
    },
  };
}

/**
 * Gradients of the reduction and scan kernels: `Sum`, `Mean`, `Max`, `Min` (every tie gets
 * dy, as in tfjs), `Prod` (zero-safe: the product of the other elements, from exclusive
 * cumulative products) and `Cumsum` (a cumulative sum of dy in the other direction).
 */
export function reductionGradients(): GradConfig[] {
  return [
    markShapeOnly({
      kernelName: 'Sum',
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs) => ({ x: () => spread(dy as Tensor, x!.shape, axesOf(attrsOf<ReduceAttrs>(attrs), x!.shape)) }),
    }),
    markShapeOnly({
      kernelName: 'Mean',
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs) => {
        const axes = axesOf(attrsOf<ReduceAttrs>(attrs), x!.shape);
        const n = axes.reduce((p, a) => p * x!.shape[a]!, 1);
        // Divide the small dy, not the spread one (same values: dy / n is repeated either way).
        return { x: () => spread(div(dy as Tensor, n), x!.shape, axes) };
      },
    }),
    extremum('Max'),
    extremum('Min'),
    {
      kernelName: 'Prod',
      inputsToSave: ['x'],
      gradFunc: (dy, [x0], attrs) => {
        const x = cast(x0!, 'float32');
        const axes = axesOf(attrsOf<ReduceAttrs>(attrs), x.shape);
        return {
          x: () => {
            // Move the reduced axes last and flatten them: [outer, n].
            const keep = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
            const perm = [...keep, ...axes];
            const outer = keep.reduce((p, a) => p * x.shape[a]!, 1);
            const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
            const flat = reshape(transpose(x, perm), [outer, n]);
            const others = mul(cumprod(flat, 1, true, false), cumprod(flat, 1, true, true));
            const g = mul(others, reshape(dy as Tensor, [outer, 1]));
            const back = reshape(g, perm.map((a) => x.shape[a]!));
            return transpose(back, backend_util.getUndoAxesPermutation(perm));
          },
        };
      },
    },
    {
      kernelName: 'Cumsum',
      gradFunc: (dy, _saved, attrs) => {
        const { axis, exclusive, reverse } = attrsOf<{ axis: number; exclusive: boolean; reverse: boolean }>(attrs);
        return { x: () => cumsum(dy as Tensor, axis, exclusive, !reverse) };
      },
    },
  ];
}
