// Test-only helpers shared by parity.test.ts and sweep.test.ts: build a module from a fixture's
// JSON config and run one parity case (eval, then train with gradients) against it.
import type { Module } from '@nnkit/nn';
import { add, cast, keep, mul, type Scalar, sum, type Tensor, variable, type Variable, variableGrads } from '@tensorflow/tfjs-core';
import {
  AttentionGate,
  CBAM,
  CBAMChannelGate,
  CBAMSpatialGate,
  ChannelAttention,
  CrissCrossAttention,
  EfficientAttention,
  InterlacedSparseSelfAttention,
  MultiheadAttention,
  PositionAttention,
  SelfAttention2d,
  SelfAttentionBlock,
  SpatialReductionAttention,
} from '../index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON configs of many constructors
export type Cfg = Record<string, any>;
type Out = Tensor | [Tensor, Tensor | null];
type Runner = (m: Module, inputs: Record<string, Tensor>, cfg: Cfg) => Out;

/** Module builders by config `kind`. */
export const builders: Record<string, (c: Cfg) => Module> = {
  'attention-gate': (c) => new AttentionGate(c.fG, c.fL, c.fInt),
  'position-attention': (c) => new PositionAttention(c.inDim, { reduction: c.reduction }),
  'channel-attention': () => new ChannelAttention(),
  'cbam-channel-gate': (c) => new CBAMChannelGate(c.channels, { reduction: c.reduction }),
  'cbam-spatial-gate': (c) => new CBAMSpatialGate({ kernelSize: c.kernelSize }),
  cbam: (c) => new CBAM(c.channels, { reduction: c.reduction, kernelSize: c.kernelSize }),
  'self-attention-2d': (c) => new SelfAttention2d(c.inDim, { reduction: c.reduction }),
  'criss-cross': (c) => new CrissCrossAttention(c.inDim, { reduction: c.reduction, recurrence: c.recurrence }),
  'self-attention-block': (c) => new SelfAttentionBlock(c.inChannels, c.keyChannels, c.valueChannels, c.outChannels),
  issa: (c) => new InterlacedSparseSelfAttention(c.inChannels, c.keyChannels, c.valueChannels, c.outChannels, { block: c.block }),
  efficient: (c) => new EfficientAttention(c.inChannels, c.keyChannels, c.valueChannels, { headCount: c.headCount }),
  sra: (c) => new SpatialReductionAttention(c.dim, { numHeads: c.numHeads, qkvBias: c.qkvBias, srRatio: c.srRatio }),
  mha: (c) =>
    new MultiheadAttention(c.embedDim, c.numHeads, {
      dropout: c.dropout,
      bias: c.bias,
      addBiasKv: c.addBiasKv,
      addZeroAttn: c.addZeroAttn,
      kdim: c.kdim,
      vdim: c.vdim,
      batchFirst: c.batchFirst,
    }),
};

const positional: Runner = (m, inputs, cfg) => (m.call as (...a: Tensor[]) => Tensor)(...(cfg.inputs as string[]).map((k) => inputs[k]!));

/** How each kind is called with its inputs (default: positionally in config order). */
export const runners: Record<string, Runner> = {
  sra: (m, i, c) => (m as SpatialReductionAttention).call(i.x!, c.H, c.W),
  mha: (m, i, c) =>
    (m as MultiheadAttention).call(i.query!, i.key!, i.value!, {
      ...(i.key_padding_mask ? { keyPaddingMask: i.key_padding_mask } : {}),
      ...(i.attn_mask ? { attnMask: i.attn_mask } : {}),
      needWeights: c.needWeights,
      averageAttnWeights: c.averageAttnWeights,
    }),
};

function split(y: Out): [Tensor, Tensor | null] {
  return Array.isArray(y) ? y : [y, null];
}

/** Compares `actual` with the fixture tensor `key`. */
export type Check = (actual: Tensor, key: string, label: string) => void;

/**
 * Runs one case: eval outputs, then train mode (dropout off) outputs, input gradients of the
 * float inputs and parameter gradients of `sum(y·in.r) [+ sum(weights·in.rw)]`, and the state
 * after the step. Disposes everything it creates.
 */
export function runCase(model: Module, t: Record<string, Tensor>, cfg: Cfg, name: string, check: Check): void {
  const run = runners[cfg.kind as string] ?? positional;
  const names = cfg.inputs as string[];
  const masks = new Set<string>(cfg.boolInputs ?? []);
  const owned: Tensor[] = [];
  const raw: Record<string, Tensor> = {};
  for (const k of names) {
    const v = t[`in.${k}`]!;
    if (masks.has(k)) {
      const b = cast(v, 'bool');
      owned.push(b);
      raw[k] = b;
    } else raw[k] = v;
  }
  model.eval();
  const [y, w] = split(run(model, raw, cfg));
  check(y, 'out.eval', `${name} eval output`);
  if (t['out.eval.weights']) {
    if (w === null) throw new Error(`${name}: expected attention weights`);
    check(w, 'out.eval.weights', `${name} eval weights`);
  }
  y.dispose();
  w?.dispose();

  model.train();
  for (const m of model.modules()) {
    if (m.constructor.name.startsWith('Dropout')) (m as unknown as { p: number }).p = 0;
    if ('dropout' in m && typeof (m as { dropout: unknown }).dropout === 'number') (m as unknown as { dropout: number }).dropout = 0;
  }
  const vars: Record<string, Variable> = {};
  const inputs: Record<string, Tensor> = { ...raw };
  for (const k of names) {
    if (masks.has(k) || raw[k]!.dtype !== 'float32' || cfg.noGrad?.includes(k)) continue;
    vars[k] = variable(raw[k]!, true, `case_${k}_${Math.random()}`);
    inputs[k] = vars[k];
  }
  let yTrain: Tensor | undefined;
  let wTrain: Tensor | null = null;
  const { value, grads } = variableGrads(() => {
    const [yy, ww] = split(run(model, inputs, cfg));
    yTrain = keep(yy.clone());
    let loss = sum(mul(yy, t['in.r']!));
    if (ww !== null && t['in.rw']) {
      wTrain = keep(ww.clone());
      loss = add(loss, sum(mul(ww, t['in.rw'])));
    }
    return loss as Scalar;
  });
  check(yTrain!, 'out.train', `${name} train output`);
  if (t['out.train.weights']) check(wTrain!, 'out.train.weights', `${name} train weights`);
  for (const [k, v] of Object.entries(vars)) check(grads[v.name]!, `grad.in.${k}`, `${name} grad input ${k}`);
  for (const [p, v] of model.namedParameters()) {
    if (!t[`grad.w.${p}`]) throw new Error(`${name}: fixture has no gradient for parameter ${p}`);
    check(grads[v.data.name]!, `grad.w.${p}`, `${name} grad ${p}`);
  }
  for (const [k, v] of Object.entries(model.stateDict())) check(v, `after.${k}`, `${name} after ${k}`);
  for (const x of [value, yTrain!, ...(wTrain ? [wTrain] : []), ...Object.values(vars), ...Object.values(grads), ...owned]) x.dispose();
}
