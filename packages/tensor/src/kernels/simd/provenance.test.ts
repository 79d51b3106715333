import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binaryModuleText, buildWat } from '../../../scripts/wat.mjs';

const dir = new URL('./', import.meta.url);
const sources = readdirSync(dir).filter((f) => f.endsWith('.wat')).sort();

describe("provenance of nnkit's wasm SIMD kernels", () => {
  it('has the kernels nnkit installs', () => {
    expect(sources).toEqual(['batch-norm-rows.wat', 'broadcast-rows.wat', 'conv-direct-nchw.wat', 'depthwise-rows-nchw.wat', 'depthwise-rows.wat', 'depthwise-spatial-nchw.wat', 'depthwise-spatial.wat', 'matmul-tall.wat', 'matmul-tiles.wat', 'max-pool-rows.wat', 'patches.wat', 'reduce-rows.wat', 'row-vector.wat', 'transpose-rows.wat', 'winograd-rows.wat', 'winograd.wat']);
  });

  it.each(sources)('the committed binary of %s is a fresh wabt build of it, byte for byte', async (name) => {
    const bytes = await buildWat(name, readFileSync(new URL(name, dir), 'utf8'));
    const generated = readFileSync(new URL(name.replace(/\.wat$/, '-binary.ts'), dir), 'utf8');
    expect(generated).toBe(binaryModuleText(name, bytes));
    const mod = (await import(`./${name.replace(/\.wat$/, '-binary.js')}`)) as { BASE64: string; SHA256: string };
    expect(mod.BASE64).toBe(Buffer.from(bytes).toString('base64'));
    expect(mod.SHA256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});
