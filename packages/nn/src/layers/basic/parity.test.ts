import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keep, memory, mul, sum, type Tensor, tidy, variable, variableGrads } from '@tensorflow/tfjs-core';
import { initBackend } from '@nnkit/tensor';
import { assertClose, parityCases, readFixture, withPrefix } from '@nnkit/tooling-testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Module } from '../../module.js';
import * as L from './index.js';

interface Config {
  cls: string;
  args: unknown[];
  opts: Record<string, unknown>;
  steps: number;
}

const ctors: Record<string, new (...a: never[]) => Module> = {
  Linear: L.Linear,
  LinearWithConstraint: L.LinearWithConstraint,
  BatchNorm1d: L.BatchNorm1d,
  BatchNorm2d: L.BatchNorm2d,
  LayerNorm: L.LayerNorm,
  Flatten: L.Flatten,
  Identity: L.Identity,
  ReLU: L.ReLU,
  ELU: L.ELU,
  LeakyReLU: L.LeakyReLU,
  GELU: L.GELU,
  Sigmoid: L.Sigmoid,
  Tanh: L.Tanh,
  Softmax: L.Softmax,
  LogSoftmax: L.LogSoftmax,
  GradientReversal: L.GradientReversal,
};
const optsFirst = new Set(['GELU', 'GradientReversal']);

function build(cfg: Config): TensorModule {
  const C = ctors[cfg.cls];
  if (!C) throw new Error(`no constructor for ${cfg.cls}`);
  const hasOpts = Object.keys(cfg.opts).length > 0;
  const args = optsFirst.has(cfg.cls) ? [cfg.opts] : hasOpts ? [...cfg.args, cfg.opts] : cfg.args;
  return new (C as unknown as new (...a: unknown[]) => TensorModule)(...args);
}

/** Output, d(sum(out*r))/dx and d/dparams for one forward in the module's current mode. */
type TensorModule = Module & { call(x: Tensor): Tensor };

function forwardWithGrads(m: TensorModule, x: Tensor, r: Tensor): { out: Tensor; gx: Tensor; gw: Record<string, Tensor> } {
  const xv = variable(x, true);
  const params = [...m.namedParameters()];
  let out: Tensor | undefined;
  const { grads, value } = variableGrads(() => {
    const y = m.call(xv);
    out = keep(y.clone());
    return sum(mul(y, r));
  }, [xv, ...params.map(([, p]) => p.data)]);
  value.dispose();
  const gw: Record<string, Tensor> = {};
  for (const [n, p] of params) gw[n] = grads[p.data.name]!;
  const gx = grads[xv.name]!;
  xv.dispose();
  return { out: out!, gx, gw };
}

const dir = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__');
const cases = readdirSync(dir).filter((f) => f.endsWith('.safetensors')).map((f) => f.replace('.safetensors', ''));
const tol = { atol: 1e-4, rtol: 1e-4 };

function runCase(name: string): void {
  const fx = readFixture(import.meta.url, name);
  const cfg = fx.config<Config>();
  const m = build(cfg);
  const before = memory().numTensors;
  m.loadStateDict(withPrefix(fx.tensors, 'w.'));
  const x = fx.get('in.x');
  const r = fx.get('in.r');
  // eval mode
  m.eval();
  const e = forwardWithGrads(m, x, r);
  assertClose(e.out, fx.get('out.eval'), { ...tol, name: `${name} out.eval` });
  assertClose(e.gx, fx.get('grad.in.x.eval'), { ...tol, name: `${name} grad.in.x.eval` });
  for (const [k, g] of Object.entries(e.gw)) assertClose(g, fx.get(`grad.w.${k}.eval`), { ...tol, name: `${name} grad.w.${k}.eval` });
  // train mode
  m.train();
  const t = forwardWithGrads(m, x, r);
  assertClose(t.out, fx.get('out.train'), { ...tol, name: `${name} out.train` });
  assertClose(t.gx, fx.get('grad.in.x'), { ...tol, name: `${name} grad.in.x` });
  for (const [k, g] of Object.entries(t.gw)) assertClose(g, fx.get(`grad.w.${k}`), { ...tol, name: `${name} grad.w.${k}` });
  if (cfg.steps > 1) tidy(() => void m.call(fx.get('in.x2')));
  const after = withPrefix(fx.tensors, 'after.');
  const sd = m.stateDict();
  expect(Object.keys(sd).sort()).toEqual(Object.keys(after).sort());
  for (const [k, v] of Object.entries(after)) assertClose(sd[k]!, v, { ...tol, name: `${name} after.${k}` });
  for (const tt of [e.out, e.gx, t.out, t.gx, ...Object.values(e.gw), ...Object.values(t.gw)]) tt.dispose();
  expect(memory().numTensors).toBe(before);
  m.dispose();
  fx.dispose();
}

describe('basic layers: parity with PyTorch 1.13 (wasm)', () => {
  beforeAll(async () => {
    await initBackend();
  });
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(40));
  parityCases('every fixture case', cases, runCase, { name: (n) => n });
});

describe('basic layers: parity with PyTorch 1.13 (cpu)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  parityCases(
    'a sample of the fixture cases',
    cases.filter((c) => /^(linear_4_6|lwc_6_3|bn1d_3_mom_none|bn2d_5_eeg|ln_4x6|gelu|elu_alpha|softmax_1|log_softmax_0|grl_07)$/.test(c)),
    runCase,
    { name: (n) => n },
  );
});
