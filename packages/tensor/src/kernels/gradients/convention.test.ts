import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nnkitGradients } from './index.js';

// The convention of README "Where gradients live": the gradient of nnkit's own kernel K is
// `kernels/gradients/K-grad.ts`; the gradient of a tfjs-core kernel K is in exactly one family
// file of this folder (named after tfjs-core's op category), which names K as a string literal,
// so `grep -rn "'K'" src/kernels/gradients` finds it.
const dir = new URL('./', import.meta.url);
const families = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('-grad.ts') && f !== 'index.ts' && f !== 'util.ts');
const sources = new Map(families.map((f) => [f, readFileSync(new URL(f, dir), 'utf8')]));

describe('where gradients live', () => {
  it.each(nnkitGradients().map((g) => g.kernelName))('the gradient of %s is found from its name', (kernel) => {
    if (existsSync(new URL(`${kernel}-grad.ts`, dir))) {
      expect(families.filter((f) => sources.get(f)!.includes(`'${kernel}'`))).toEqual([]);
      return;
    }
    expect(families.filter((f) => sources.get(f)!.includes(`'${kernel}'`)), `${kernel} must be named in exactly one family file`).toHaveLength(1);
  });
});
