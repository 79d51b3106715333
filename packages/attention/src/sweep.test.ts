import { initBackend } from '@nnkit/tensor';
import { loadSafetensors, readSafetensors } from '@nnkit/nn';
import { withPrefix } from '@nnkit/tooling-testing';
import { checkAgainstTorch } from '@nnkit/tooling-testing/parity';
import { memory } from '@tensorflow/tfjs-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builders, runCase, type Cfg } from './test-utils/parity-cases.js';

// Random-configuration parity sweep against shared/reference/attention.py and
// torch.nn.MultiheadAttention. The cases are drawn and written by
// tooling/parity/sweeps/sweep_attention.py; run both with `tooling/parity/sweep attention SEED COUNT`.
// Without NNKIT_SWEEP_DIR (the normal test run) this file only reports itself as skipped.
const dir = process.env.NNKIT_SWEEP_DIR;
const files = dir ? readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort() : [];

const conditioned: string[] = [];
afterAll(() => {
  if (conditioned.length > 0) console.log(`compared with the float64 result (not within 1e-4 of PyTorch float32):\n  ${conditioned.join('\n  ')}`);
});

beforeAll(async () => {
  if (dir) await initBackend((process.env.NNKIT_SWEEP_BACKEND ?? 'wasm') as 'wasm' | 'cpu');
});

if (!dir) it.skip('random-configuration sweep vs PyTorch: run `tooling/parity/sweep attention SEED COUNT` (needs Debian python3-torch)', () => {});

describe.runIf(files.length > 0).each(files)('random-configuration sweep vs PyTorch: %s', (file) => {
  it('loads the state_dict strictly; eval/train outputs, weights, input and parameter gradients, BN statistics match', () => {
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
  });
});
