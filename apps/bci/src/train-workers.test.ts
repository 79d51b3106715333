import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingSharedData, needs, sharedDataDir } from '@nnkit/tooling-testing';
import { describe, expect } from 'vitest';

const bci = fileURLToPath(new URL('./bci.ts', import.meta.url));
const root = join(sharedDataDir(), 'bciciv2b');
const noData = missingSharedData() ?? (existsSync(join(root, 'B0101T.mat')) ? undefined : `no BCI IV 2b in ${root}`);

describe('bci train --workers 2 (data-parallel worker threads)', () => {
  needs(noData)('trains subject 1 on 2 workers and writes the model and results', () => {
    const out = mkdtempSync(join(tmpdir(), 'bci-dp-'));
    try {
      const r = spawnSync(
        process.execPath,
        ['--conditions=@nnkit/source', '--import', 'tsx', bci, 'train', '--subject', '1', '--epochs', '1', '--limit', '40', '--workers', '2', '--out', out, '--json'],
        { encoding: 'utf8', env: { ...process.env, CI: '1' }, timeout: 240_000 }, // a hang guard, not a speed target
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/2 data-parallel workers/);
      const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { subjects: Array<{ nTrain: number; accuracy: number }> };
      expect(res.subjects[0]!.nTrain).toBe(40);
      expect(res.subjects[0]!.accuracy).toBeGreaterThanOrEqual(0);
      expect(readFileSync(join(out, 'bciciv2b-s1-eegtcnet.safetensors')).length).toBeGreaterThan(1000);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
