// Group front-end: EEGNet/EEG-TCNet's generic front end at batch 64 (22 × 1000): the temporal
// 1×32 conv forward; temporal conv + batch norm + depthwise spatial conv forward+backward; the
// same through temporalSpatialConv. Peer: one wasm matMul with the temporal conv's MAC count
// (64·22·1000·32·8), measured in the same process; the fwd+bwd rows compare with it scaled to
// their own MAC count (STEP_MACS), as every other step row of the bench does.
import { temporalConvMoments, temporalSpatialConv } from '@nnkit/eeg';
import { backward, BatchNorm2d, Conv2d, Sequential } from '@nnkit/nn';
import { add, matMul, mul, randomNormal, rsqrt, sub, sum, tidy } from '@tensorflow/tfjs-core';
import type { GroupContext } from '../group-main.js';
import { measure, rest } from '../harness.js';
import type { Row } from '../row.js';

/** MACs of the temporal 1×32 conv's forward (8 filters over 64 × 22 × 1000): the GEMM's size. */
const TEMPORAL_MACS = 64 * 22 * 1000 * 32 * 8;
/** MACs of the depthwise (22, 1) spatial conv's forward (16 outputs over 64 × 1000). */
const SPATIAL_MACS = 64 * 16 * 1000 * 22;
/**
 * MACs of one fwd+bwd of the front end: the temporal conv's forward and filter gradient (the
 * input needs no gradient) and the spatial conv's forward, input and filter gradients (batch
 * norm's are element-wise). 2.19× the GEMM's.
 */
export const STEP_MACS = 2 * TEMPORAL_MACS + 3 * SPATIAL_MACS;

export async function run({ runs, ids, log }: GroupContext): Promise<Row[]> {
  const rows: Row[] = [];
  const convT = new Conv2d(1, 8, [1, 32], { padding: 'same', bias: false });
  const bn = new BatchNorm2d(8);
  const convS = new Conv2d(8, 16, [22, 1], { groups: 8, bias: false });
  const front = new Sequential(convT, bn, convS);
  const x4 = randomNormal([64, 1, 22, 1000]);
  const gemmA = randomNormal([(64 * 22 * 1000) / 8, 32 * 8]);
  const gemmB = randomNormal([32 * 8, 8]);
  const gemm = (await measure(() => tidy(() => void matMul(gemmA, gemmB).dataSync()), runs, 1)).ms;
  const gemmStep = (gemm * STEP_MACS) / TEMPORAL_MACS;
  const grads = (): void => {
    for (const p of front.parameters()) p.grad?.dataSync();
  };
  if (ids.has('temporal-conv-fwd')) {
    log('temporal conv forward');
    const m = await measure(() => tidy(() => void convT.call(x4).dataSync()), runs, 1);
    rows.push({ id: 'front-end/temporal-conv-fwd', workload: 'temporal Conv2d 1×32 forward, batch 64', nnkit: m.ms, gemm, ...rest(m) });
  }
  if (ids.has('front-end-step')) {
    log('front end fwd+bwd');
    const m = await measure(() => {
      front.zeroGrad();
      backward(() => sum(front.call(x4)), front).dispose();
      grads();
    }, runs, 2);
    rows.push({ id: 'front-end/front-end-step', workload: 'front end fwd+bwd (conv, BN, depthwise), batch 64', nnkit: m.ms, gemm: gemmStep, ...rest(m) });
  }
  if (ids.has('front-end-fused')) {
    log('front end via temporalSpatialConv');
    const m = await measure(() => {
      front.zeroGrad();
      backward(() => {
        const mo = temporalConvMoments(x4, convT.weight.data);
        const scale = mul(rsqrt(add(mo.variance, bn.eps)), bn.weight!.data);
        return sum(temporalSpatialConv(x4, convT.weight.data, convS.weight.data, { scale, shift: sub(bn.bias!.data, mul(mo.mean, scale)) }));
      }, front).dispose();
      grads();
    }, runs, 2);
    rows.push({ id: 'front-end/front-end-fused', workload: 'same front end via temporalSpatialConv', nnkit: m.ms, gemm: gemmStep, ...rest(m) });
  }
  front.zeroGrad();
  for (const t of [x4, gemmA, gemmB]) t.dispose();
  front.dispose();
  return rows;
}
