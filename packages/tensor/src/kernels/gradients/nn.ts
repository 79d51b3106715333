import {
  add,
  avgPool,
  backend_util,
  engine,
  mul,
  neg,
  pad,
  pow,
  reshape,
  rsqrt,
  slice,
  sub,
  tensor4d,
  transpose,
  type GradConfig,
  type NamedAttrMap,
  type Tensor,
  type Tensor4D,
} from '@tensorflow/tfjs-core';
import type { NnkitConvAttrs } from '../conv-nhwc.js';
import { convFilterGrad, convInputGrad } from './NnkitConv2D-grad.js';
import { product } from './product.js';
import { attrsOf, sumToShape } from './util.js';

type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

interface ConvAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Conv2D / DepthwiseConv2dNative through nnkit's convolution gradients (any stride and dilation, wasm and cpu). */
function conv(kernelName: string, depthwise: boolean): GradConfig {
  return {
    kernelName,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x0, f] = saved as [Tensor4D, Tensor4D];
      const a = attrsOf<ConvAttrs>(attrs);
      const nchw = a.dataFormat === 'NCHW';
      const x = nchw ? (transpose(x0, [0, 2, 3, 1]) as Tensor4D) : x0;
      const g = nchw ? transpose(dy as Tensor, [0, 2, 3, 1]) : (dy as Tensor);
      const info = backend_util.computeConv2DInfo(x.shape, f.shape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, depthwise, 'channelsLast');
      const p = info.padInfo;
      const na: NnkitConvAttrs = {
        strides: [info.strideHeight, info.strideWidth],
        dilations: [info.dilationHeight, info.dilationWidth],
        pad: [p.top, p.bottom, p.left, p.right],
        depthwise,
      };
      return {
        x: () => {
          const dx = convInputGrad(g, x, f, na);
          return nchw ? transpose(dx, [0, 3, 1, 2]) : dx;
        },
        filter: () => convFilterGrad(g, x, f, na),
      };
    },
  };
}

/** A kernel whose gradient is a backend gradient kernel taking `{dy, [inputName]: x}` (+ the output). */
function viaKernel(kernelName: string, gradKernel: string, input: string, gradInput: string, withOutput: boolean): GradConfig {
  return {
    kernelName,
    inputsToSave: [input],
    outputsToSave: withOutput ? [true] : [],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved as [Tensor, Tensor | undefined];
      const inputs = withOutput ? { dy: dy as Tensor, [gradInput]: x, output: y! } : { dy: dy as Tensor, [gradInput]: x };
      // reshape: tfjs-backend-cpu 4.22's ResizeBilinearGrad reports [b, w, h, c] for [b, h, w, c].
      return { [input]: () => reshape(engine().runKernel(gradKernel, inputs, attrs as NamedAttrMap) as Tensor, x.shape) };
    },
  };
}

/** da, db of C = op(A) · op(B) before summing broadcast batch axes. */
function matMulGrads(dy: Tensor, a: Tensor, b: Tensor, tA: boolean, tB: boolean): [() => Tensor, () => Tensor] {
  const matMul = product;
  if (!tA && !tB) return [() => matMul(dy, b, false, true), () => matMul(a, dy, true, false)];
  if (!tA && tB) return [() => matMul(dy, b), () => matMul(dy, a, true, false)];
  if (tA && !tB) return [() => matMul(b, dy, false, true), () => matMul(a, dy)];
  return [() => matMul(b, dy, true, true), () => matMul(dy, a, true, true)];
}

/**
 * Gradients of the network kernels: `BatchMatMul` (transposes and broadcast batch axes),
 * `FusedBatchNorm` (x, mean, variance, scale, offset), `AvgPool` (divisor = in-bounds window size, as
 * in the forward), `MaxPool`, `ResizeBilinear`, `ResizeNearestNeighbor` (through the backends' gradient kernels), and
 * tfjs' own `Conv2D` / `DepthwiseConv2dNative` (through nnkit's convolution gradients, so
 * they work on wasm and with stride and dilation together).
 */
export function nnGradients(): GradConfig[] {
  return [
    {
      kernelName: 'BatchMatMul',
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved, attrs) => {
        const [a, b] = saved as [Tensor, Tensor];
        const { transposeA, transposeB } = attrsOf<{ transposeA: boolean; transposeB: boolean }>(attrs);
        const [da, db] = matMulGrads(dy as Tensor, a, b, transposeA, transposeB);
        return { a: () => sumToShape(da(), a.shape), b: () => sumToShape(db(), b.shape) };
      },
    },
    {
      kernelName: 'FusedBatchNorm',
      inputsToSave: ['x', 'mean', 'variance', 'scale'],
      gradFunc: (dy, saved, attrs) => {
        const [x, mean, variance, scale] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
        const { varianceEpsilon } = attrsOf<{ varianceEpsilon: number }>(attrs);
        const g = dy as Tensor;
        const inv = rsqrt(add(variance, varianceEpsilon));
        const k = scale === undefined ? inv : mul(inv, scale); // dy/dx
        const xc = sub(x, mean);
        return {
          x: () => mul(g, k),
          mean: () => sumToShape(neg(mul(g, k)), mean.shape),
          variance: () => {
            const s = scale === undefined ? -0.5 : mul(scale, -0.5);
            return sumToShape(mul(mul(g, xc), mul(s, pow(inv, 3))), variance.shape);
          },
          scale: () => sumToShape(mul(g, mul(xc, inv)), (scale ?? mean).shape),
          offset: () => sumToShape(g, mean.shape),
        };
      },
    },
    {
      kernelName: 'AvgPool',
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs) => {
        const a = attrsOf<PoolAttrs>(attrs);
        const info = backend_util.computePool2DInfo(x!.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
        // The forward divides each window by its number of in-bounds elements, AvgPoolGrad by
        // the full window size: rescale dy where a window overlaps the padding.
        const valid = (out: number, stride: number, before: number, k: number, len: number): number[] =>
          Array.from({ length: out }, (_, i) => Math.min(i * stride - before + k, len) - Math.max(i * stride - before, 0));
        const vh = valid(info.outHeight, info.strideHeight, info.padInfo.top, info.filterHeight, info.inHeight);
        const vw = valid(info.outWidth, info.strideWidth, info.padInfo.left, info.filterWidth, info.inWidth);
        const full = info.filterHeight * info.filterWidth;
        const scale = vh.flatMap((h) => vw.map((w) => full / (h * w)));
        const g = scale.every((v) => v === 1) ? (dy as Tensor) : mul(dy as Tensor, tensor4d(scale, [1, info.outHeight, info.outWidth, 1]));
        if (info.strideHeight === 1 && info.strideWidth === 1) {
          // Stride 1: the gradient is the same box filter run over dy padded by k − 1 (avgPool's
          // division by kH·kW is the gradient's factor), cropped to the input where the forward
          // padded it: AvgPool and PadV2 are fast on wasm, AvgPoolGrad is ~40× slower (Inception
          // v3's 3×3 pools at 35², batch 2: 12.8 ms each).
          const [kH, kW] = [info.filterHeight, info.filterWidth];
          const [B, H, W, C] = x!.shape as [number, number, number, number];
          return {
            x: () => {
              const gp = pad(g, [[0, 0], [kH - 1, kH - 1], [kW - 1, kW - 1], [0, 0]]);
              const full = avgPool(gp as Tensor4D, [kH, kW], 1, 'valid');
              return slice(full, [0, info.padInfo.top, info.padInfo.left, 0], [B, H, W, C]);
            },
          };
        }
        const poolAttrs = { filterSize: a.filterSize, strides: a.strides, pad: a.pad } as unknown as NamedAttrMap;
        return { x: () => engine().runKernel('AvgPoolGrad', { dy: g, input: x! }, poolAttrs) as Tensor };
      },
    },
    viaKernel('MaxPool', 'MaxPoolGrad', 'x', 'input', true),
    viaKernel('ResizeBilinear', 'ResizeBilinearGrad', 'images', 'images', false),
    viaKernel('ResizeNearestNeighbor', 'ResizeNearestNeighborGrad', 'images', 'images', false),
    conv('Conv2D', false),
    conv('DepthwiseConv2dNative', true),
  ];
}
