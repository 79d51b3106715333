import { initBackend } from '@nnkit/tensor';
import { prepareSweep, withPrefix } from '@nnkit/tooling-testing';
import { checkModuleCase, parityCases } from '@nnkit/tooling-testing/parity';
import type { Tensor } from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import * as nn from '../index.js';
import type { Module } from '../module.js';

// Random-configuration parity sweep of the layers against torch.nn. The cases are drawn and
// written by tooling/parity/sweeps/sweep_nn.py; run both with `tooling/parity/sweep nn SEED COUNT`.
// The normal test run draws a small fixed-seed sweep itself when Debian PyTorch and ../shared/reference
// are present (prepareSweep), and reports the file as skipped with the reason otherwise.
const sweep = prepareSweep('nn', { seed: 0, count: 1 });
const dir = sweep.dir;
const files = sweep.files;
afterAll(() => sweep.cleanup());

interface Cfg {
  cls: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
}

const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** `new nn[cls](...args, {camelCase kwargs})`; layers whose PyTorch keywords are all positional here get none. */
function build(c: Cfg): Module {
  const Ctor = (nn as unknown as Record<string, new (...a: unknown[]) => Module>)[c.cls];
  if (Ctor === undefined) throw new Error(`@nnkit/nn has no ${c.cls}`);
  const opts = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [camel(k), v]));
  return Object.keys(opts).length > 0 ? new Ctor(...c.args, opts) : new Ctor(...c.args);
}

const viaFloat64: string[] = [];

beforeAll(async () => {
  if (dir) await initBackend((process.env.NNKIT_SWEEP_BACKEND ?? 'wasm') as 'wasm' | 'cpu');
});
afterAll(() => {
  if (viaFloat64.length > 0) console.log(`compared with the float64 result:\n  ${viaFloat64.join('\n  ')}`);
});

parityCases(
  `random-configuration sweep vs torch.nn (${sweep.source}) — loads the state_dict strictly; eval/train outputs, gradients and running statistics match`,
  files,
  (file) => {
    const bytes = new Uint8Array(readFileSync(join(dir!, file)));
    const cfg = JSON.parse(nn.readSafetensors(bytes).metadata.config!) as Cfg;
    const t = nn.loadSafetensors(bytes);
    const name = `${file} ${JSON.stringify(cfg)}`;
    const model = build(cfg) as Module & { call(x: Tensor): Tensor };
    model.loadStateDict(withPrefix(t, 'w.'), { strict: true });
    checkModuleCase(model, t, name, viaFloat64);
    model.dispose();
    for (const v of Object.values(t)) v.dispose();
  },
  { name: (f) => f, missing: sweep.missing, leaks: false }, // checkModuleCase counts tensors around the module check itself
);
