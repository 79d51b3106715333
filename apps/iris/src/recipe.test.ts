import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@nnkit/tensor';
import { memory } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTrainingCurves } from './plot.js';
import { runIrisRecipe } from './recipe.js';

beforeAll(async () => {
  await initBackend();
});

const dir = mkdtempSync(join(tmpdir(), 'nnkit-iris-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('iris tutorial recipe through the Runner', () => {
  it('reaches a mean test accuracy >= 0.95 over 10 seeds (PyTorch: 0.973) and plots the curves', async () => {
    const before = memory().numTensors;
    const accs: number[] = [];
    let first: Awaited<ReturnType<typeof runIrisRecipe>> | undefined;
    for (let seed = 0; seed < 10; seed++) {
      const r = await runIrisRecipe({ seed });
      first ??= r;
      accs.push(r.testAccuracy);
    }
    const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
    console.log(`iris test accuracy by seed: ${accs.map((a) => a.toFixed(3)).join(' ')}; mean ${mean.toFixed(4)}`);
    expect(mean).toBeGreaterThanOrEqual(0.95);
    expect(memory().numTensors).toBe(before);
    const h = first!.history;
    expect(h.stepLosses.length).toBe(1200);
    expect(h.devScores.length).toBe(24);
    const files = await writeTrainingCurves(h, dir);
    const png = readFileSync(files.png);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const svg = readFileSync(files.svg, 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('dev accuracy');
    expect(existsSync(files.json)).toBe(true);
  }, 110_000);
});
