import { initBackend } from '@nnkit/tensor';
import { loadSafetensors, readSafetensors, type Module } from '@nnkit/nn';
import { assertClose, withPrefix } from '@nnkit/tooling-testing';
import { keep, memory, mul, sum, type Tensor, variable, variableGrads } from '@tensorflow/tfjs-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TemporalBlock } from '../blocks/temporal-block.js';
import { TemporalConvNet } from '../blocks/temporal-conv-net.js';
import { EEGInceptionTCN } from './eeg-inception-tcn.js';
import { EEGNet } from './eegnet.js';
import { EEGTCNet } from './eegtcnet.js';
import { TemporalInception } from './temporal-inception.js';

// Random-configuration parity sweep against shared/reference/eeg.py. The cases are drawn and
// written by tooling/parity/sweeps/sweep_eeg.py; run both with `tooling/parity/sweep eeg SEED COUNT`.
// Without NNKIT_SWEEP_DIR (the normal test run) this file only reports itself as skipped.
const dir = process.env.NNKIT_SWEEP_DIR;
const files = dir ? readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort() : [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON config of any of six constructors
type Cfg = Record<string, any>;
const builders: Record<string, (c: Cfg) => Module> = {
  block: (c) => new TemporalBlock(c.nInputs, c.nOutputs, c.kernelSize, c.dilation, { bias: c.bias, maxNorm: c.maxNorm }),
  tcn: (c) => new TemporalConvNet(c.numInputs, c.numChannels, { kernelSize: c.kernelSize, bias: c.bias, maxNorm: c.maxNorm }),
  eegnet: (c) => new EEGNet(c as never),
  eegtcnet: (c) => new EEGTCNet(c as never),
  inception: (c) => new EEGInceptionTCN(c as never),
  ti: (c) => new TemporalInception(c.inChan, c.outChan, { kernels: c.kernels, poolKernel: c.poolKernel, maxNorm: c.maxNorm }),
};

beforeAll(async () => {
  if (dir) await initBackend((process.env.NNKIT_SWEEP_BACKEND ?? 'wasm') as 'wasm' | 'cpu');
});

if (!dir) it.skip('random-configuration sweep vs PyTorch: run `tooling/parity/sweep eeg SEED COUNT` (needs Debian python3-torch)', () => {});

describe.runIf(files.length > 0).each(files)('random-configuration sweep vs shared/reference/eeg.py: %s', (file) => {
  it('loads the state_dict strictly; eval/train outputs, gradients and BN statistics match', () => {
    const bytes = new Uint8Array(readFileSync(join(dir!, file)));
    const cfg = JSON.parse(readSafetensors(bytes).metadata.config!) as Cfg;
    const t = loadSafetensors(bytes);
    const name = `${file} ${JSON.stringify(cfg)}`;
    const model = builders[cfg.kind]!(cfg) as Module & { call(x: Tensor): Tensor };
    model.loadStateDict(withPrefix(t, 'w.'), { strict: true });
    const before = memory().numTensors;

    model.eval();
    const yEval = model.call(t['in.x']!);
    assertClose(yEval, t['out.eval']!, { name: `${name} eval output` });
    yEval.dispose();

    model.train();
    for (const m of model.modules()) if (m.constructor.name.startsWith('Dropout')) (m as unknown as { p: number }).p = 0;
    const xv = variable(t['in.x']!, true, `sweep_x_${file}_${Math.random()}`);
    let yTrain: Tensor | undefined;
    const { value, grads } = variableGrads(() => {
      const y = model.call(xv);
      yTrain = keep(y.clone());
      return sum(mul(y, t['in.r']!));
    });
    assertClose(yTrain!, t['out.train']!, { name: `${name} train output` });
    assertClose(grads[xv.name]!, t['grad.in.x']!, { name: `${name} input grad` });
    for (const [p, v] of model.namedParameters()) {
      assertClose(grads[v.data.name]!, t[`grad.w.${p}`]!, { name: `${name} grad ${p}` });
    }
    for (const [k, v] of Object.entries(model.stateDict())) assertClose(v, t[`after.${k}`]!, { name: `${name} after ${k}` });
    for (const x of [value, yTrain!, xv, ...Object.values(grads)]) x.dispose();
    expect(memory().numTensors).toBe(before);
    model.dispose();
    for (const v of Object.values(t)) v.dispose();
  });
});
