import type { ConvolutionSpec } from '@nnkit/nn';

const ones = (v: readonly number[]): boolean => v.every((e) => e === 1);
const zeros = (p: ConvolutionSpec['padding']): boolean => p.every(([a, b]) => a === 0 && b === 0);

/**
 * Whether `temporalSpatialConv` computes `spatial(bn(temporal(x)))` for these layers, given as
 * data (`Conv2d.asConvolution()`), and if so the temporal padding `[left, right]` it takes:
 * the op's own contract — a `[1, K]` temporal filter on one input channel without bias, zero
 * padding along time only; a depthwise `[C, 1]` spatial filter over all `C` electrodes of the
 * input, one group per temporal filter, unpadded, without bias; unit strides and dilations; a
 * batch norm over the temporal filters. Null otherwise (the caller runs the layers).
 *
 * @param bnFeatures the batch norm's channel count
 * @param inputShape `[B, 1, C, T]`
 */
export function fusedFrontEndPadding(temporal: ConvolutionSpec, spatial: ConvolutionSpec, bnFeatures: number, inputShape: readonly number[]): [number, number] | null {
  const [F1, cin, kh] = temporal.weight.shape;
  const [J, sin, kc, kw] = spatial.weight.shape;
  const fits =
    temporal.weight.rank === 4 &&
    cin === 1 &&
    kh === 1 &&
    temporal.groups === 1 &&
    temporal.bias === null &&
    ones(temporal.stride) &&
    ones(temporal.dilation) &&
    zeros([temporal.padding[0]!]) &&
    inputShape[1] === 1 &&
    spatial.weight.rank === 4 &&
    sin === 1 &&
    spatial.groups === F1 &&
    J! % F1! === 0 &&
    kc === inputShape[2] &&
    kw === 1 &&
    spatial.bias === null &&
    ones(spatial.stride) &&
    ones(spatial.dilation) &&
    zeros(spatial.padding) &&
    bnFeatures === F1;
  if (!fits) return null;
  const [l, r] = temporal.padding[1]!;
  return [l, r];
}
