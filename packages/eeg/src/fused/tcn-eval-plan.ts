// EEG-TCNet's eval-mode plan: the whole network channels-last (NHWC), every batch norm folded
// into the convolution before it, every activation fused into its convolution where tfjs has
// the fused kernel. It runs ~30 kernels per call where the layer-by-layer path runs ~100 (each
// conv layer there transposes NCHW ↔ NHWC around its kernel), which is what a one-trial call
// costs: dispatch, not arithmetic. Used only in eval mode, with weight caching on, outside a
// gradient tape and with no hook anywhere in the model; otherwise the model runs layer by layer.
import { elu, engine, mul, type NamedAttrMap, reshape, slice, tidy, type Tensor, transpose, add, zeros } from '@tensorflow/tfjs-core';
import { isRecordingGradients } from '@nnkit/tensor';
import type { AvgPool2d, BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, ConvolutionSpec, Linear, Module, WeightCache } from '@nnkit/nn';
import type { TemporalBlock } from '../blocks/temporal-block.js';
import { fusedFrontEndPadding } from './front-end-form.js';
import { applyTemporalSpatial, prepareTemporalSpatial, type TemporalSpatialWeights } from './temporal-spatial.js';

/** The layers the plan reads (EEGNet's features, the TCN, the classifier). */
export interface TcnPlanLayers {
  convTemporal: Conv2d;
  bn1: BatchNorm2d;
  convSpatial: Conv2d;
  bn2: BatchNorm2d;
  pool1: AvgPool2d;
  convSeparableDepth: Conv2d;
  convSeparablePoint: Conv2d;
  bn3: BatchNorm2d;
  pool2: AvgPool2d;
  blocks: readonly TemporalBlock[];
  classifier: Linear;
}

/** One convolution over the time axis of `[B, 1, T, Cin]`, batch norm folded in. */
interface TimeConv {
  /** `[1, K, Cin, Cout]` (HWIO). */
  filter: Tensor;
  /** `[Cout]`. */
  bias: Tensor;
  pad: [number, number];
  dilation: number;
}

/** The plan's weights, derived from the model's parameters and buffers (kept in a `WeightCache`). */
export interface TcnPlanWeights {
  front: TemporalSpatialWeights;
  separable: TimeConv;
  blocks: Array<{ conv1: TimeConv; conv2: TimeConv; downsample: TimeConv | null }>;
  head: TimeConv;
  tensors: Tensor[];
}

type Affine = { scale: Tensor; shift: Tensor };

/** A 1-d (`[Co, Ci, K]`) or `[Co, Ci, 1, K]` conv weight as an HWIO time filter scaled per output channel. */
function timeFilter(w: Tensor, scale: Tensor | null): Tensor {
  const [co, ci] = w.shape as [number, number];
  const k = w.shape[w.rank - 1]!;
  const hwio = reshape(transpose(reshape(w, [co, ci, k]), [2, 1, 0]), [1, k, ci, co]);
  return scale ? mul(hwio, scale) : hwio;
}

/** Whether a 1-d conv followed by a chomp of `chomp` steps is a plain causal/padded time conv. */
const timeConvFits = (conv: ConvolutionSpec | null, chomp: number): conv is ConvolutionSpec =>
  conv !== null && conv.groups === 1 && conv.stride[0] === 1 && conv.padding[0]![1] >= chomp;

/** Folds `bn(conv(x))` (then a chomp) into one conv: `W·s`, `b·s + t`. */
function folded(conv: ConvolutionSpec, bn: Affine | null, chomp: number): TimeConv {
  const [l, r] = conv.padding[0]!;
  const co = conv.weight.shape[0]!;
  const bias0 = conv.bias ?? zeros([co]);
  return {
    filter: timeFilter(conv.weight, bn?.scale ?? null),
    bias: bn ? add(mul(bias0, bn.scale), bn.shift) : bias0.clone(), // (a copy: the cache disposes it)
    pad: [l, r - chomp],
    dilation: conv.dilation[0]!,
  };
}

/** The `[1, k]` window of an average pooling over time with default options, or null. */
function poolWindow(pool: AvgPool2d): [number, number] | null {
  const k = typeof pool.kernelSize === 'number' ? [pool.kernelSize, pool.kernelSize] : [...pool.kernelSize];
  const { stride, padding, ceilMode, divisorOverride } = pool.opts;
  const s = stride == null ? k : typeof stride === 'number' ? [stride, stride] : [...stride];
  const fits = k.length === 2 && k[0] === 1 && s[0] === k[0] && s[1] === k[1] && !ceilMode && divisorOverride == null && (padding === undefined || padding === 0) && !pool.hasHooks();
  return fits ? [1, k[1]!] : null;
}

function fusedConv(x: Tensor, c: TimeConv, activation: 'elu' | 'linear'): Tensor {
  const attrs = { strides: [1, 1], pad: [[0, 0], [0, 0], c.pad, [0, 0]], dataFormat: 'NHWC', dilations: [1, c.dilation], activation };
  return engine().runKernel('FusedConv2D', { x, filter: c.filter, bias: c.bias }, attrs as unknown as NamedAttrMap) as Tensor;
}

/** The current weights of one temporal block as three folded convs, or null if it has another form. */
function blockParts(block: TemporalBlock): { sources: Array<Tensor | null>; prepare: () => TcnPlanWeights['blocks'][number] } | null {
  const [c1, chomp1, bn1, , , c2, chomp2, bn2] = [...block.net.children()] as [Conv1d, { chompSize: number }, BatchNorm1d, Module, Module, Conv1d, { chompSize: number }, BatchNorm1d];
  const [s1, s2] = [c1.asConvolution(), c2.asConvolution()];
  const [a1, a2] = [bn1.asAffine(), bn2.asAffine()];
  const ds = block.downsample?.asConvolution() ?? null;
  if (!timeConvFits(s1, chomp1.chompSize) || !timeConvFits(s2, chomp2.chompSize) || !a1 || !a2) return null;
  if (block.downsample && !timeConvFits(ds, 0)) return null;
  return {
    sources: [s1.weight, s1.bias, a1.scale, a1.shift, s2.weight, s2.bias, a2.scale, a2.shift, ds?.weight ?? null, ds?.bias ?? null],
    prepare: () => ({ conv1: folded(s1, a1, chomp1.chompSize), conv2: folded(s2, a2, chomp2.chompSize), downsample: ds ? folded(ds, null, 0) : null }),
  };
}

/**
 * Runs EEG-TCNet on x `[B, C, T]` through the eval plan, or returns null when the model is not
 * in a form the plan covers (training, hooks, a gradient tape, weight caching off, other layer
 * options); the caller then runs the layers one by one.
 */
export function tcnEvalPlan(owner: Module, layers: TcnPlanLayers, cache: WeightCache<TcnPlanWeights>, x: Tensor): Tensor | null {
  if (owner.training || !owner.weightCaching || isRecordingGradients() || x.dtype !== 'float32' || x.rank !== 3) return null;
  const [B0, C0, T0] = x.shape as [number, number, number];
  const x4shape = [B0, 1, C0, T0];
  for (const m of owner.modules()) if (m !== owner && m.hasHooks()) return null;
  const L = layers;
  const temporal = L.convTemporal.asConvolution();
  const spatial = temporal && L.convSpatial.asConvolution();
  const depth = L.convSeparableDepth.asConvolution();
  const point = L.convSeparablePoint.asConvolution();
  const head = L.classifier.asLinear();
  const [a1, a2, a3] = [L.bn1.asAffine(), L.bn2.asAffine(), L.bn3.asAffine()];
  if (!temporal || !spatial || !depth || !point || !head || !a1 || !a2 || !a3) return null;
  if (depth.groups !== depth.weight.shape[0] || depth.weight.shape[1] !== 1 || depth.weight.shape[2] !== 1 || point.groups !== 1 || depth.bias || point.bias) return null;
  const padding = fusedFrontEndPadding(temporal, spatial, L.bn1.numFeatures, x4shape);
  if (padding === null) return null;
  const blocks = L.blocks.map(blockParts);
  if (blocks.some((b) => b === null)) return null;
  const sources = [temporal.weight, spatial.weight, a1.scale, a1.shift, a2.scale, a2.shift, depth.weight, point.weight, a3.scale, a3.shift, head.weight, head.bias, ...blocks.flatMap((b) => b!.sources)];
  const dense = (c: ConvolutionSpec): boolean => c.stride.every((v) => v === 1) && c.dilation[0] === 1 && c.padding[0]![0] === 0 && c.padding[0]![1] === 0;
  if (!dense(depth) || !dense(point) || point.weight.shape[2] !== 1 || point.weight.shape[3] !== 1 || point.padding[1]![0] !== 0 || point.padding[1]![1] !== 0) return null;
  const [p1, p2] = [poolWindow(L.pool1), poolWindow(L.pool2)];
  if (!p1 || !p2) return null;
  const plan = cache.get(sources, () => {
    const front = prepareTemporalSpatial(temporal.weight, spatial.weight, { ...a1, padding });
    // bn2 folded into the temporal pieces (per output channel j) and the offset.
    const J = front.J;
    const pieces = front.pieces.map((p) => ({ ...p, filter: mul(p.filter, reshape(a2.scale, [1, 1, J, 1])) }));
    const offset = add(mul(front.offset ?? zeros([1, 1, 1, J]), reshape(a2.scale, [1, 1, 1, J])), reshape(a2.shift, [1, 1, 1, J]));
    const frontW: TemporalSpatialWeights = { ...front, pieces, offset, tensors: [front.spatial, front.spatialSum, ...pieces.map((p) => p.filter), offset] };
    // Depthwise [1, K] then pointwise then bn3: one dense [1, K, FD, F2] filter.
    const [FD, , , K] = depth.weight.shape as [number, number, number, number];
    const F2 = point.weight.shape[0]!;
    const dw = reshape(transpose(reshape(depth.weight, [FD, K]), [1, 0]), [1, K, FD, 1]);
    const pw = reshape(transpose(reshape(point.weight, [F2, FD]), [1, 0]), [1, 1, FD, F2]);
    const separable: TimeConv = { filter: mul(mul(dw, pw), a3.scale), bias: a3.shift.clone(), pad: depth.padding[1]! as [number, number], dilation: depth.dilation[1]! };
    const blocksW = blocks.map((b) => b!.prepare());
    const [n, ft] = head.weight.shape as [number, number];
    const headW: TimeConv = { filter: reshape(transpose(head.weight, [1, 0]), [1, 1, ft, n]), bias: head.bias?.clone() ?? zeros([n]), pad: [0, 0], dilation: 1 };
    const convs = [separable, ...blocksW.flatMap((b) => [b.conv1, b.conv2, ...(b.downsample ? [b.downsample] : [])]), headW];
    return { front: frontW, separable, blocks: blocksW, head: headW, tensors: [...frontW.tensors, ...convs.flatMap((c) => [c.filter, c.bias])] };
  });
  return tidy(() => {
    // The AvgPool kernel itself: the op adds a Cast per call.
    const pool = (t: Tensor, k: [number, number]): Tensor => engine().runKernel('AvgPool', { x: t }, { filterSize: k, strides: k, pad: 'valid' } as unknown as NamedAttrMap) as Tensor;
    let h = pool(elu(applyTemporalSpatial(reshape(x, x4shape), plan.front, false)), p1); // [B, 1, T/8, F2]
    h = pool(fusedConv(h, plan.separable, 'elu'), p2);
    for (const b of plan.blocks) {
      const res = b.downsample ? fusedConv(h, b.downsample, 'linear') : h;
      h = elu(add(fusedConv(fusedConv(h, b.conv1, 'elu'), b.conv2, 'elu'), res));
    }
    const [B, , T, C] = h.shape as [number, number, number, number];
    const out = fusedConv(slice(h, [0, 0, T - 1, 0], [B, 1, 1, C]), plan.head, 'linear');
    return reshape(out, [B, out.shape[3]!]);
  });
}
