import {
  backend_util,
  clone,
  concat,
  reshape,
  reverse,
  slice,
  stack,
  sum,
  transpose,
  type GradConfig,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { attrsOf, normAxis, sumToShape } from './util.js';
import { markShapeOnly } from './shape-only.js';

/** The i-th slab of `dy` along `axis`, with that axis removed. */
function slab(dy: Tensor, axis: number, i: number): Tensor {
  const begin = dy.shape.map((_, d) => (d === axis ? i : 0));
  const size = dy.shape.map((s, d) => (d === axis ? 1 : s));
  return reshape(slice(dy, begin, size), dy.shape.filter((_, d) => d !== axis));
}

/** Sums a tiled gradient back to the input: each axis with rep r is viewed as [r, n] and summed over r. */
function untile(dy: Tensor, xShape: number[], reps: number[]): Tensor {
  let g = dy;
  xShape.forEach((n, i) => {
    const r = reps[i] ?? 1;
    if (r === 1) return;
    const pre = g.shape.slice(0, i).reduce((p, d) => p * d, 1);
    const post = g.shape.slice(i + 1).reduce((p, d) => p * d, 1);
    const shape = g.shape.slice();
    shape[i] = n;
    g = reshape(sum(reshape(g, [pre, r, n, post]), 1), shape);
  });
  return g === dy ? clone(dy) : g;
}

/**
 * Gradients of the shape kernels: `Reshape`, `ExpandDims`, `Transpose`, `Concat`, `Pack`,
 * `Unpack`, `SplitV`, `Tile`, `Reverse` and `BroadcastTo`.
 */
export function shapeGradients(): GradConfig[] {
  return [
    markShapeOnly({ kernelName: 'Reshape', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => reshape(dy as Tensor, x!.shape) }) }),
    markShapeOnly({ kernelName: 'ExpandDims', inputsToSave: ['input'], gradFunc: (dy, [x]) => ({ input: () => reshape(dy as Tensor, x!.shape) }) }),
    {
      kernelName: 'Transpose',
      gradFunc: (dy, _s, attrs) => {
        const { perm } = attrsOf<{ perm: number[] }>(attrs);
        return { x: () => transpose(dy as Tensor, backend_util.getUndoAxesPermutation(perm)) };
      },
    },
    markShapeOnly({
      kernelName: 'Concat',
      saveAllInputs: true,
      gradFunc: (dy, saved, attrs) => {
        const g = dy as Tensor;
        const axis = normAxis(attrsOf<{ axis: number }>(attrs).axis, g.rank);
        let offset = 0;
        return Object.fromEntries(
          saved.map((x, i) => {
            const begin = g.shape.map((_, d) => (d === axis ? offset : 0));
            offset += x.shape[axis]!;
            return [String(i), () => slice(g, begin, x.shape)];
          }),
        );
      },
    }),
    {
      kernelName: 'Pack',
      gradFunc: (dy, _s, attrs) => {
        const g = dy as Tensor;
        const axis = normAxis(attrsOf<{ axis: number }>(attrs).axis, g.rank);
        return Object.fromEntries(Array.from({ length: g.shape[axis]! }, (_, i) => [String(i), () => slab(g, axis, i)]));
      },
    },
    {
      kernelName: 'Unpack',
      gradFunc: (dy, _s, attrs) => {
        const dys = Array.isArray(dy) ? dy : [dy];
        const axis = attrsOf<{ axis: number }>(attrs).axis;
        return { value: () => stack(dys, normAxis(axis, dys[0]!.rank + 1)) };
      },
    },
    {
      kernelName: 'SplitV',
      gradFunc: (dy, _s, attrs) => {
        const dys = Array.isArray(dy) ? dy : [dy];
        const axis = normAxis(attrsOf<{ axis: number }>(attrs).axis, dys[0]!.rank);
        return { x: () => (dys.length === 1 ? clone(dys[0]!) : concat(dys, axis)) };
      },
    },
    {
      kernelName: 'Tile',
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs) => ({ x: () => untile(dy as Tensor, x!.shape, attrsOf<{ reps: number[] }>(attrs).reps) }),
    },
    {
      kernelName: 'Reverse',
      gradFunc: (dy, _s, attrs) => ({ x: () => reverse(dy as Tensor, attrsOf<{ dims: number | number[] }>(attrs).dims) }),
    },
    {
      kernelName: 'BroadcastTo',
      gradFunc: (dy, _s, attrs) => ({ x: () => sumToShape(dy as Tensor, attrsOf<{ inputShape: number[] }>(attrs).inputShape) }),
    },
  ];
}
