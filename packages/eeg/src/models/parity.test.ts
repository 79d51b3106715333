import { initBackend } from '@nnkit/tensor';
import type { Module } from '@nnkit/nn';
import { assertClose, readFixture, withPrefix } from '@nnkit/tooling-testing';
import { disableDropout, parityCases } from '@nnkit/tooling-testing/parity';
import { keep, memory, mul, sum, type Tensor, variable, variableGrads } from '@tensorflow/tfjs-core';
import { beforeAll, expect } from 'vitest';
import { TemporalBlock } from '../blocks/temporal-block.js';
import { TemporalConvNet } from '../blocks/temporal-conv-net.js';
import { EEGInceptionTCN } from './eeg-inception-tcn.js';
import { EEGNet } from './eegnet.js';
import { EEGTCNet } from './eegtcnet.js';
import { TemporalInception } from './temporal-inception.js';

type Cfg = Record<string, unknown>;
const builders: Record<string, (c: Cfg) => Module> = {
  'temporal-block': (c) =>
    new TemporalBlock(c.nInputs as number, c.nOutputs as number, c.kernelSize as number, c.dilation as number, {
      ...(c.bias === false ? { bias: false } : {}),
      ...(c.maxNorm !== undefined ? { maxNorm: c.maxNorm as number } : {}),
      ...(c.dropout !== undefined ? { dropout: c.dropout as number } : {}),
    }),
  tcn: (c) =>
    new TemporalConvNet(c.numInputs as number, c.numChannels as number[], {
      kernelSize: c.kernelSize as number,
      ...(c.bias === false ? { bias: false } : {}),
      ...(c.maxNorm !== undefined ? { maxNorm: c.maxNorm as number } : {}),
      ...(c.dropout !== undefined ? { dropout: c.dropout as number } : {}),
    }),
  eegnet: (c) => new EEGNet(c as never),
  eegtcnet: (c) => new EEGTCNet(c as never),
  inception: (c) => new EEGInceptionTCN(c as never),
  'temporal-inception': (c) =>
    new TemporalInception(c.inChan as number, c.outChan as number, {
      kernels: c.kernels as [number, number, number],
      ...(c.poolKernel !== undefined ? { poolKernel: c.poolKernel as [number, number] } : {}),
      ...(c.maxNorm !== undefined ? { maxNorm: c.maxNorm as number } : {}),
    }),
};

const cases = [
  'temporal-block-a',
  'temporal-block-b',
  'tcn-a',
  'tcn-b',
  'eegnet-22x1125',
  'eegnet-3x1000',
  'eegtcnet-22x1125',
  'eegtcnet-3x1000',
  'inception-22x1125',
  'inception-3x1000',
  'temporal-inception',
  // odd sizes and the remaining non-default options (batch 1, one channel, kernel 1, pool 3, ...)
  'temporal-inception-b',
  'tcn-c',
  'eegnet-odd',
  'eegtcnet-odd',
  'inception-odd',
];

type Callable = Module & { call(x: Tensor): Tensor };

function build(name: string, cfg: Cfg): Callable {
  const kind = Object.keys(builders)
    .sort((a, b) => b.length - a.length)
    .find((k) => name.startsWith(k))!;
  return builders[kind]!(cfg) as Callable;
}

beforeAll(async () => {
  await initBackend();
});

parityCases(
  'parity with shared/reference/eeg.py: loads the state_dict strictly and matches eval outputs, train outputs, gradients and BN statistics',
  cases,
  (name) => {
    const fx = readFixture(import.meta.url, name);
    const cfg = fx.config<Cfg>();
    const model = build(name, cfg);
    model.loadStateDict(withPrefix(fx.tensors, 'w.'), { strict: true });
    const x = fx.get('in.x');
    const before = memory().numTensors;

    model.eval();
    const yEval = model.call(x);
    assertClose(yEval, fx.get('out.eval'), { name: `${name} eval output` });
    yEval.dispose();

    model.train();
    disableDropout(model);
    const xv = variable(x, true, `${name}_x_${Math.random()}`);
    const r = fx.get('in.r');
    let yTrain: Tensor | undefined;
    const { value, grads } = variableGrads(() => {
      const y = model.call(xv);
      yTrain = keep(y.clone());
      return sum(mul(y, r));
    });
    assertClose(yTrain!, fx.get('out.train'), { name: `${name} train output` });
    assertClose(grads[xv.name]!, fx.get('grad.in.x'), { name: `${name} input grad` });
    for (const [pname, p] of model.namedParameters()) {
      assertClose(grads[p.data.name]!, fx.get(`grad.w.${pname}`), { name: `${name} grad ${pname}` });
    }
    for (const [k, t] of Object.entries(model.stateDict())) {
      assertClose(t, fx.get(`after.${k}`), { name: `${name} after-train ${k}` });
    }
    value.dispose();
    yTrain!.dispose();
    xv.dispose();
    for (const g of Object.values(grads)) g.dispose();
    expect(memory().numTensors).toBe(before);
    model.dispose();
    fx.dispose();
  },
  { name: (name) => name },
);
