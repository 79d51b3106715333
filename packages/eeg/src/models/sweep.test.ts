import { initBackend } from '@nnkit/tensor';
import { loadSafetensors, readSafetensors, type Module } from '@nnkit/nn';
import { prepareSweep, withPrefix } from '@nnkit/tooling-testing';
import { checkModuleCase, parityCases } from '@nnkit/tooling-testing/parity';
import type { Tensor } from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { TemporalBlock } from '../blocks/temporal-block.js';
import { TemporalConvNet } from '../blocks/temporal-conv-net.js';
import { EEGInceptionTCN } from './eeg-inception-tcn.js';
import { EEGNet } from './eegnet.js';
import { EEGTCNet } from './eegtcnet.js';
import { TemporalInception } from './temporal-inception.js';

// Random-configuration parity sweep against shared/reference/eeg.py. The cases are drawn and
// written by tooling/parity/sweeps/sweep_eeg.py; run both with `tooling/parity/sweep eeg SEED COUNT`.
// The normal test run draws a small fixed-seed sweep itself when Debian PyTorch and ../shared/reference
// are present (prepareSweep), and reports the file as skipped with the reason otherwise.
const sweep = prepareSweep('eeg', { seed: 0, count: 2 });
const dir = sweep.dir;
const files = sweep.files;
afterAll(() => sweep.cleanup());

const conditioned: string[] = [];
afterAll(() => {
  if (conditioned.length > 0) console.log(`compared with the float64 result (not within 1e-4 of PyTorch float32):\n  ${conditioned.join('\n  ')}`);
});

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

parityCases(
  `random-configuration sweep vs shared/reference/eeg.py (${sweep.source}) — loads the state_dict strictly; eval/train outputs, gradients and BN statistics match`,
  files,
  (file) => {
    const bytes = new Uint8Array(readFileSync(join(dir!, file)));
    const cfg = JSON.parse(readSafetensors(bytes).metadata.config!) as Cfg;
    const t = loadSafetensors(bytes);
    const name = `${file} ${JSON.stringify(cfg)}`;
    const model = builders[cfg.kind]!(cfg) as Module & { call(x: Tensor): Tensor };
    model.loadStateDict(withPrefix(t, 'w.'), { strict: true });
    checkModuleCase(model, t, name, conditioned);
    model.dispose();
    for (const v of Object.values(t)) v.dispose();
  },
  { name: (f) => f, missing: sweep.missing, leaks: false }, // checkModuleCase counts tensors around the module check itself
);
