import { initBackend } from '@nnkit/tensor';
import { assertClose, readFixture, withPrefix } from '@nnkit/tooling-testing';
import { memory } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { builders, runCase, type Cfg } from './test-utils/parity-cases.js';

// Parity with shared/reference/attention.py and torch.nn.MultiheadAttention (PyTorch 1.13):
// fixtures written by tooling/parity/generators/gen_attention.py.
const cases = [
  'attention-gate-a',
  'attention-gate-b',
  'cbam-a',
  'cbam-b',
  'cbam-channel-gate-a',
  'cbam-channel-gate-b',
  'cbam-spatial-gate-a',
  'cbam-spatial-gate-b',
  'channel-attention-a',
  'channel-attention-b',
  'criss-cross-a',
  'criss-cross-b',
  'efficient-a',
  'efficient-b',
  'efficient-c',
  'issa-a',
  'issa-b',
  'issa-c',
  'mha-a',
  'mha-b',
  'mha-c',
  'mha-d',
  'mha-e',
  'mha-f',
  'position-attention-a',
  'position-attention-b',
  'self-attention-2d-a',
  'self-attention-2d-b',
  'self-attention-block',
  'sra-a',
  'sra-b',
  'sra-c',
];

describe.each(['wasm', 'cpu'] as const)('on %s', (backend) => {
beforeAll(async () => {
  await initBackend(backend);
});

describe.each(cases)('parity with PyTorch: %s', (name) => {
  it('loads the state_dict strictly; eval/train outputs, input and parameter gradients, BN statistics match', () => {
    const fx = readFixture(import.meta.url, name);
    const cfg = fx.config<Cfg>();
    const model = builders[cfg.kind as string]!(cfg);
    model.loadStateDict(withPrefix(fx.tensors, 'w.'), { strict: true });
    const before = memory().numTensors;
    runCase(model, fx.tensors, cfg, name, (actual, key, label) => assertClose(actual, fx.get(key), { name: label }));
    expect(memory().numTensors).toBe(before);
    model.dispose();
    fx.dispose();
  });
});
});
