import { initBackend } from '@nnkit/tensor';
import { Parameter } from '@nnkit/nn';
import { assertClose, needs, parityCases, prepareSweep, readFixture, readFixtureConfig } from '@nnkit/tooling-testing';
import { clone, type Tensor } from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, AdamW, type Optimizer, type OptimizerStateDict, RMSprop, SGD, clipGradNorm_, clipGradValue_, disposeStateDict } from './index.js';

beforeAll(async () => {
  await initBackend();
});

interface Config {
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop';
  defaults: Record<string, unknown>;
  groups: (Record<string, unknown> & { params: number[] })[];
  steps: number;
  state5_steps: Record<string, number>;
  param_groups5: (Record<string, unknown> & { params: number[] })[];
}

// Besides the committed fixtures, a small fixed-seed sweep of random hyper-parameter sets drawn
// by tooling/parity/sweeps/sweep_optim.py runs the same checks when Debian PyTorch and
// ../shared/reference are present (`tooling/parity/sweep optim SEED COUNT` for a larger one).
const sweep = prepareSweep('optim', { seed: 0, count: 1 });
afterAll(() => sweep.cleanup());
const FIXTURE_CASES = [
  'sgd_plain', 'sgd_momentum', 'sgd_nesterov', 'adam', 'adam_amsgrad_wd', 'adam_maximize',
  'adamw', 'adamw_amsgrad_max', 'rmsprop', 'rmsprop_centered_momentum', 'rmsprop_centered', 'rmsprop_momentum',
];
/** Fixture name → the test URL whose `__fixtures__` folder holds it. */
const urls = new Map<string, string>([...FIXTURE_CASES, 'clip'].map((n) => [n, import.meta.url]));
if (sweep.dir) {
  const sweepUrl = pathToFileURL(join(sweep.dir, 'sweep.test.ts')).href;
  for (const f of sweep.files) urls.set(`sweep ${f.replace(/\.safetensors$/, '')}`, sweepUrl);
}
const CASES = [...urls.keys()].filter((n) => n !== 'clip');

const camel = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));

function build(cfg: Config, params: Parameter[]): Optimizer<{ lr: number }> {
  const groups = cfg.groups.map((g) => ({ ...camel(g), params: g.params.map((i) => params[i]!) }));
  const d = camel(cfg.defaults);
  switch (cfg.optimizer) {
    case 'SGD': return new SGD(groups as never, d as never);
    case 'Adam': return new Adam(groups as never, d as never);
    case 'AdamW': return new AdamW(groups as never, d as never);
    case 'RMSprop': return new RMSprop(groups as never, d as never);
  }
}

const fixtures = new Map<string, ReturnType<typeof readFixture>>();
const fx = (name: string): ReturnType<typeof readFixture> => {
  let f = fixtures.get(name);
  if (!f) fixtures.set(name, (f = readFixture(urls.get(name)!, name.replace(/^sweep /, ''))));
  return f;
};
afterAll(() => { for (const f of fixtures.values()) f.dispose(); });

function feed(f: ReturnType<typeof readFixture>, params: Parameter[], s: number): void {
  params.forEach((p, i) => {
    const g = f.tensors[`grad.${s}.p${i}`];
    p.setGrad(g ? clone(g) : null);
  });
}

function run(name: string, from: number, to: number, params: Parameter[], opt: Optimizer<{ lr: number }>): void {
  const f = fx(name);
  for (let s = from; s <= to; s++) {
    opt.zeroGrad();
    feed(f, params, s);
    opt.step();
  }
}

if (sweep.missing) needs(sweep.missing)('random hyper-parameter sweep vs torch.optim (`tooling/parity/sweep optim SEED COUNT`)', () => {});

describe('optimizers match PyTorch 1.13', () => {
  parityCases('one step within 1e-5 and ten steps within 1e-4 (two param groups, a step without grad)', CASES, (name) => {
    const f = fx(name);
    const cfg = f.config<Config>();
    const params = [0, 1, 2].map((i) => new Parameter(clone(f.get(`in.p${i}`))));
    const opt = build(cfg, params);
    for (let s = 1; s <= cfg.steps; s++) {
      run(name, s, s, params, opt);
      const tol = s === 1 ? 1e-5 : 1e-4;
      params.forEach((p, i) => assertClose(p.data, f.get(`after.${s}.p${i}`), { atol: tol, rtol: tol, name: `${name} step ${s} p${i}` }));
    }
    opt.zeroGrad();
    opt.dispose();
    params.forEach((p) => p.dispose());
  }, { name: (n) => n, leaks: false });

  parityCases('stateDict after 5 steps, loaded into a fresh optimizer, continues bit-for-bit', CASES, (name) => {
    const f = fx(name);
    const cfg = f.config<Config>();
    const a = [0, 1, 2].map((i) => new Parameter(clone(f.get(`in.p${i}`))));
    const optA = build(cfg, a);
    run(name, 1, 5, a, optA);
    const sd = optA.stateDict();
    const b = a.map((p) => new Parameter(clone(p.data)));
    const optB = build({ ...cfg, defaults: { ...cfg.defaults, lr: 123 } }, b);
    optB.loadStateDict(sd);
    disposeStateDict(sd);
    expect(optB.paramGroups.map((g) => g.lr)).toEqual(optA.paramGroups.map((g) => g.lr));
    run(name, 6, 10, a, optA);
    run(name, 6, 10, b, optB);
    a.forEach((p, i) => expect(Array.from(b[i]!.data.dataSync())).toEqual(Array.from(p.data.dataSync())));
    // and PyTorch's own state dict after 5 steps continues like PyTorch
    const c = [0, 1, 2].map((i) => new Parameter(clone(f.get(`after.5.p${i}`))));
    const optC = build(cfg, c);
    const state: OptimizerStateDict['state'] = {};
    for (const [k, t] of Object.entries(f.tensors)) {
      const m = /^state5\.(\d+)\.(.+)$/.exec(k);
      if (!m) continue;
      (state[Number(m[1])] ??= {})[m[2]!] = t;
    }
    for (const [i, st] of Object.entries(cfg.state5_steps)) (state[Number(i)] ??= {})['step'] = st;
    optC.loadStateDict({ state, param_groups: cfg.param_groups5 });
    run(name, 6, 10, c, optC);
    c.forEach((p, i) => assertClose(p.data, f.get(`after.10.p${i}`), { atol: 1e-4, rtol: 1e-4, name: `${name} loaded p${i}` }));
    for (const o of [optA, optB, optC]) { o.zeroGrad(); o.dispose(); }
    for (const p of [...a, ...b, ...c]) p.dispose();
  }, { name: (n) => n, leaks: false });
});

type ClipConfig = { cases: { name: string; max_norm: number; norm_type: number | 'inf'; total_norm: number }[]; clip_value: number };

describe('clipGradNorm_ / clipGradValue_ match torch.nn.utils', () => {
  const mk = (): Parameter[] => [0, 1, 2].map((i) => {
    const f = fx('clip');
    const p = new Parameter(clone(f.get(`in.g${i}`)));
    p.setGrad(clone(f.get(`in.g${i}`)));
    return p;
  });

  parityCases('clipGradNorm_', readFixtureConfig<ClipConfig>(import.meta.url, 'clip').cases, (c) => {
    const f = fx('clip');
    const ps = mk();
    const total = clipGradNorm_(ps, c.max_norm, c.norm_type === 'inf' ? Infinity : c.norm_type);
    expect(total).toBeCloseTo(c.total_norm, 4);
    ps.forEach((p, i) => assertClose(p.grad as Tensor, f.get(`out.${c.name}.g${i}`), { atol: 1e-6, rtol: 1e-5, name: `${c.name} g${i}` }));
    ps.forEach((p) => p.dispose());
  }, { leaks: false });

  it('clipGradValue_', () => {
    const f = fx('clip');
    const ps = mk();
    clipGradValue_(ps, f.config<ClipConfig>('config').clip_value);
    ps.forEach((p, i) => assertClose(p.grad as Tensor, f.get(`out.value.g${i}`), { atol: 0, rtol: 0 }));
    ps.forEach((p) => p.dispose());
  });
});
