import {
  add,
  cast,
  getBackend,
  getKernel,
  matMul,
  oneHot,
  pad,
  range,
  reshape,
  reverse,
  scatterND,
  slice,
  slice_util,
  tensor1d,
  transpose,
  unsortedSegmentSum,
  where,
  zerosLike,
  type GradConfig,
  type Tensor,
  type Tensor1D,
} from '@tensorflow/tfjs-core';
import { attrsOf, normAxis, zeroGrad } from './util.js';
import { markShapeOnly } from './shape-only.js';

/** Puts `dy` (n elements along `axis`) at positions start, start+step, … of an axis of length `len`. */
function scatterStrided(dy: Tensor, axis: number, start: number, step: number, len: number): Tensor {
  let g = dy;
  const n = g.shape[axis]!;
  if (step > 1 && n > 1) {
    const pre = g.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const post = g.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const spread = pad(reshape(g, [pre, n, 1, post]), [[0, 0], [0, 0], [0, step - 1], [0, 0]]);
    g = slice(reshape(spread, [pre, n * step, post]), [0, 0, 0], [pre, (n - 1) * step + 1, post]);
    const shape = dy.shape.slice();
    shape[axis] = (n - 1) * step + 1;
    g = reshape(g, shape);
  }
  const paddings = g.shape.map((): [number, number] => [0, 0]);
  paddings[axis] = [start, len - start - g.shape[axis]!];
  return pad(g, paddings);
}

/** Sums `dy` along `axis` into `len` slots: out[.., idx[j], ..] += dy[.., j, ..] (a 0/1 matrix product). */
function foldAxis(dy: Tensor, axis: number, idx: number[], len: number): Tensor {
  const pre = dy.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const post = dy.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const m = idx.length;
  // int32 oneHot then cast: tfjs-backend-wasm 4.22's float32 OneHot returns zeros.
  const map = cast(oneHot(tensor1d(idx, 'int32'), len), 'float32'); // [m, len]
  const g = reshape(transpose(reshape(dy, [pre, m, post]), [0, 2, 1]), [pre * post, m]);
  const folded = transpose(reshape(matMul(g, map), [pre, post, len]), [0, 2, 1]);
  const shape = dy.shape.slice();
  shape[axis] = len;
  return reshape(folded, shape);
}

/** Scatter-adds rows of `updates` [m, ...rest] into `len` rows at `indices` [m]. */
function segmentSum(updates: Tensor, indices: Tensor, len: number): Tensor {
  if (getKernel('UnsortedSegmentSum', getBackend()) !== undefined) return unsortedSegmentSum(updates, indices as Tensor1D, len);
  // wasm: ScatterNd sums duplicate indices.
  return scatterND(reshape(indices, [indices.size, 1]), updates, [len, ...updates.shape.slice(1)]);
}

/**
 * Gradients of the indexing kernels: `Slice`, `StridedSlice` (any strides and masks), `PadV2`,
 * `MirrorPad` (reflect and symmetric), `Select` and `GatherV2` (scatter-add of dy; any batchDims).
 */
export function indexingGradients(): GradConfig[] {
  return [
    markShapeOnly({
      kernelName: 'Slice',
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs) => {
        const { begin, size } = attrsOf<{ begin: number | number[]; size: number | number[] }>(attrs);
        const [b, s] = slice_util.parseSliceParams(x!, begin, size) as [number[], number[]];
        return { x: () => pad(dy as Tensor, x!.shape.map((d, i): [number, number] => [b[i]!, d - b[i]! - s[i]!])) };
      },
    }),
    markShapeOnly({
      kernelName: 'StridedSlice',
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs) => {
        const a = attrsOf<{
          begin: number[];
          end: number[];
          strides: number[];
          beginMask: number;
          endMask: number;
          ellipsisMask: number;
          newAxisMask: number;
          shrinkAxisMask: number;
        }>(attrs);
        const info = slice_util.sliceInfo(x!.shape, a.begin, a.end, a.strides, a.beginMask, a.endMask, a.ellipsisMask, a.newAxisMask, a.shrinkAxisMask);
        const counts = x!.shape.map((_, i) => {
          const len = info.end[i]! - info.begin[i]!;
          const st = info.strides[i]!;
          return len === 0 || len < 0 !== st < 0 ? 0 : Math.ceil(Math.abs(len) / Math.abs(st));
        });
        return {
          x: () => {
            if (counts.some((c) => c === 0)) return zeroGrad(x!.shape);
            let g = reshape(dy as Tensor, counts);
            x!.shape.forEach((len, i) => {
              const st = info.strides[i]!;
              let start = info.begin[i]!;
              if (st < 0) {
                g = reverse(g, i);
                start += st * (counts[i]! - 1);
              }
              g = scatterStrided(g, i, start, Math.abs(st), len);
            });
            return g;
          },
        };
      },
    }),
    markShapeOnly({
      kernelName: 'PadV2',
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs) => {
        const { paddings } = attrsOf<{ paddings: Array<[number, number]> }>(attrs);
        return { x: () => slice(dy as Tensor, paddings.map((p) => p[0]), x!.shape) };
      },
    }),
    markShapeOnly({
      kernelName: 'MirrorPad',
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs) => {
        const { paddings, mode } = attrsOf<{ paddings: Array<[number, number]>; mode: 'reflect' | 'symmetric' }>(attrs);
        return {
          x: () => {
            let g = dy as Tensor;
            x!.shape.forEach((n, axis) => {
              const [before, after] = paddings[axis]!;
              if (before === 0 && after === 0) return;
              const off = mode === 'reflect' ? 0 : 1;
              const idx = Array.from({ length: before + n + after }, (_, j) => {
                const p = j - before;
                if (p < 0) return -p - off;
                if (p >= n) return 2 * n - 2 + off - p;
                return p;
              });
              g = foldAxis(g, axis, idx, n);
            });
            return g === dy ? reshape(g, x!.shape) : g;
          },
        };
      },
    }),
    {
      kernelName: 'Select',
      inputsToSave: ['condition'],
      gradFunc: (dy, [c]) => {
        const g = dy as Tensor;
        return {
          condition: () => zeroGrad(c!.shape),
          t: () => where(c!, g, zerosLike(g)),
          e: () => where(c!, zerosLike(g), g),
        };
      },
    },
    {
      kernelName: 'GatherV2',
      inputsToSave: ['x', 'indices'],
      gradFunc: (dy, saved, attrs) => {
        const [x, indices] = saved as [Tensor, Tensor];
        const { axis: ax, batchDims } = attrsOf<{ axis: number; batchDims?: number }>(attrs);
        const axis = normAxis(ax, x.rank);
        const bd = batchDims ?? 0;
        return {
          indices: () => zeroGrad(indices.shape),
          x: () => {
            // x [batch..., outer..., n, inner...], indices [batch..., idx...]: each batch row has its
            // own indices; offsetting them by b·n turns the batched scatter into one of batch·n rows.
            const size = (d: number[]): number => d.reduce((p, v) => p * v, 1);
            const batch = size(x.shape.slice(0, bd));
            const outer = size(x.shape.slice(bd, axis));
            const inner = size(x.shape.slice(axis + 1));
            const n = x.shape[axis]!;
            const m = indices.size / batch;
            const rows = reshape(transpose(reshape(dy as Tensor, [batch, outer, m, inner]), [0, 2, 1, 3]), [batch * m, outer, inner]);
            let ids = reshape(indices, [batch, m]);
            if (batch > 1) ids = add(ids, reshape(range(0, batch * n, n, 'int32'), [batch, 1]));
            const summed = reshape(segmentSum(rows, reshape(ids, [batch * m]), batch * n), [batch, n, outer, inner]);
            return reshape(transpose(summed, [0, 2, 1, 3]), x.shape);
          },
        };
      },
    },
  ];
}
