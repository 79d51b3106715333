import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSafetensors, saveSafetensors } from '@nnkit/nn';
import { initBackend } from '@nnkit/tensor';
import { assertClose, fixturePath, missingParityGenerators, needs, pythonEnv, readFixture, TORCH_PYTHON } from '@nnkit/tooling-testing';
import { argMax, memory, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { EEGTCNet } from '../models/eegtcnet.js';

beforeAll(async () => {
  await initBackend();
});

const generator = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../tooling/parity/generators/gen_eeg_pretrained.py');
const noTorch = missingParityGenerators();

function loadPretrained(bytes: Uint8Array): EEGTCNet {
  const model = new EEGTCNet({ nChans: 3, nClasses: 2 });
  const dict = loadSafetensors(bytes);
  model.loadStateDict(dict); // strict: every PyTorch key must match
  for (const t of Object.values(dict)) t.dispose();
  return model.eval();
}

function argmaxOf(t: Tensor): number[] {
  const a = argMax(t, 1);
  const out = Array.from(a.dataSync());
  a.dispose();
  return out;
}

describe('pretrained weights: an EEG-TCNet trained in PyTorch (tooling/parity/generators/gen_eeg_pretrained.py)', () => {
  it('loads from safetensors with PyTorch key names and predicts identically (≤ 1e-5, same argmax)', () => {
    const io = readFixture(import.meta.url, 'eegtcnet-pretrained-io');
    const before = memory().numTensors;
    const model = loadPretrained(new Uint8Array(readFileSync(fixturePath(import.meta.url, 'eegtcnet-pretrained.safetensors'))));
    const y = model.call(io.get('in.x'));
    assertClose(y, io.get('out.logits'), { atol: 1e-5, rtol: 0, name: 'pretrained logits' });
    expect(argmaxOf(y)).toEqual(argmaxOf(io.get('out.logits')));
    y.dispose();
    model.dispose();
    expect(memory().numTensors).toBe(before);
    io.dispose();
  });

  it('round-trips through saveSafetensors(model.stateDict()) with identical outputs', () => {
    const io = readFixture(import.meta.url, 'eegtcnet-pretrained-io');
    const model = loadPretrained(new Uint8Array(readFileSync(fixturePath(import.meta.url, 'eegtcnet-pretrained.safetensors'))));
    const again = loadPretrained(saveSafetensors(model.stateDict()));
    const x = io.get('in.x');
    const y0 = model.call(x);
    const y1 = again.call(x);
    assertClose(y1, y0, { atol: 0, rtol: 0, name: 'nnkit round trip' });
    for (const t of [y0, y1]) t.dispose();
    model.dispose();
    again.dispose();
    io.dispose();
  });

  needs(noTorch)('the saved state dict loads in PyTorch with load_state_dict(strict=True) and predicts the same', () => {
    const io = readFixture(import.meta.url, 'eegtcnet-pretrained-io');
    const model = loadPretrained(new Uint8Array(readFileSync(fixturePath(import.meta.url, 'eegtcnet-pretrained.safetensors'))));
    const bytes = saveSafetensors(model.stateDict());
    const x = io.get('in.x');
    const y = model.call(x);
    const dir = mkdtempSync(join(tmpdir(), 'eeg-pretrained-'));
    try {
      writeFileSync(join(dir, 'weights.safetensors'), bytes);
      writeFileSync(join(dir, 'io.safetensors'), saveSafetensors({ 'in.x': x, 'out.logits': y }));
      const r = spawnSync(TORCH_PYTHON, [generator, '--check', join(dir, 'weights.safetensors'), join(dir, 'io.safetensors')], {
        encoding: 'utf8',
        timeout: 120_000,
        env: pythonEnv(),
      });
      expect(r.stdout + r.stderr).toMatch(/strict load OK/);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      y.dispose();
      model.dispose();
      io.dispose();
    }
  });
});
