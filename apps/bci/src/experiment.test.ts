import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingSharedData, needs, sharedDataDir } from '@nnkit/tooling-testing';
import { initBackend } from '@nnkit/tensor';
import { describe, expect } from 'vitest';
import { type ExperimentResults, runExperiment } from './experiment.js';

const root = join(sharedDataDir(), 'bciciv2b');
const noData = missingSharedData() ?? (existsSync(join(root, 'B0101T.mat')) ? undefined : `no BCI IV 2b in ${root}`);

describe('bci smoke: EEG-TCNet on BCI IV 2b subject 1 (1 epoch, 64 trials)', () => {
  needs(noData)('trains, evaluates and writes the results table', async () => {
    await initBackend();
    const outDir = mkdtempSync(join(tmpdir(), 'bci-'));
    const lines: string[] = [];
    const { jsonPath, mdPath } = await runExperiment({ root, subjects: [1], epochs: 1, outDir, limitTrials: 64, date: 'smoke', log: (l) => lines.push(l) });
    const r = JSON.parse(readFileSync(jsonPath, 'utf8')) as ExperimentResults;
    expect(jsonPath.endsWith('smoke-epochs1.json')).toBe(true);
    expect(r.subjects).toHaveLength(1);
    const s = r.subjects[0]!;
    expect([s.nTrain, s.nTest]).toEqual([64, 64]);
    expect(s.accuracy).toBeGreaterThanOrEqual(0);
    expect(s.accuracy).toBeLessThanOrEqual(1);
    expect(Math.abs(s.kappa)).toBeLessThanOrEqual(1);
    expect(s.secondsPerEpoch).toBeGreaterThan(0);
    expect(readFileSync(mdPath, 'utf8')).toMatch(/\| 1 \| 64 \| 64 \|/);
    expect(lines.some((l) => l.includes('epoch 1/1'))).toBe(true);
    rmSync(outDir, { recursive: true, force: true });
  });
});
