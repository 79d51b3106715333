import { initBackend } from '@nnkit/tensor';
import { loadSafetensors, readSafetensors } from '@nnkit/nn';
import { parityCases, prepareSweep, withPrefix } from '@nnkit/tooling-testing';
import { checkAgainstTorch } from '@nnkit/tooling-testing/parity';
import { memory } from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { builders, runCase, type Cfg } from './test-utils/parity-cases.js';

// Random-configuration parity sweep against shared/reference/attention.py and
// torch.nn.MultiheadAttention. The cases are drawn and written by
// tooling/parity/sweeps/sweep_attention.py; run both with `tooling/parity/sweep attention SEED COUNT`.
// The normal test run draws a small fixed-seed sweep itself when Debian PyTorch and ../shared/reference
// are present (prepareSweep), and reports the file as skipped with the reason otherwise.
const sweep = prepareSweep('attention', { seed: 0, count: 1 });
const dir = sweep.dir;
const files = sweep.files;
afterAll(() => sweep.cleanup());

const conditioned: string[] = [];
afterAll(() => {
  if (conditioned.length > 0) console.log(`compared with the float64 result (not within 1e-4 of PyTorch float32):\n  ${conditioned.join('\n  ')}`);
});

beforeAll(async () => {
  if (dir) await initBackend((process.env.NNKIT_SWEEP_BACKEND ?? 'wasm') as 'wasm' | 'cpu');
});

parityCases(
  `random-configuration sweep vs shared/reference/attention.py (${sweep.source}) — loads the state_dict strictly; eval/train outputs, weights, gradients, BN statistics match`,
  files,
  (file) => {
    const bytes = new Uint8Array(readFileSync(join(dir!, file)));
    const cfg = JSON.parse(readSafetensors(bytes).metadata.config!) as Cfg;
    const t = loadSafetensors(bytes);
    const name = `${file} ${JSON.stringify(cfg)}`;
    const model = builders[cfg.kind as string]!(cfg);
    model.loadStateDict(withPrefix(t, 'w.'), { strict: true });
    const before = memory().numTensors;
    runCase(model, t, cfg, name, (actual, key, label) => checkAgainstTorch(actual, t, key, label, conditioned));
    expect(memory().numTensors).toBe(before);
    model.dispose();
    for (const v of Object.values(t)) v.dispose();
  },
  { name: (f) => f, missing: sweep.missing, leaks: false },
);
