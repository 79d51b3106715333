import { initBackend } from '@nnkit/tensor';
import { Parameter } from '@nnkit/nn';
import { readFixture } from '@nnkit/tooling-testing';
import { zeros } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, SGD, disposeStateDict } from '../optim/index.js';
import {
  type AnyOptimizer,
  CosineAnnealingLR,
  ExponentialLR,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  StepLR,
} from './index.js';

interface Case {
  name: string;
  optimizer: 'sgd' | 'adam';
  steps: number;
  lrs: number[][];
  momentums: number[][];
  metrics?: number[];
  kwargs: Record<string, unknown>;
  mid_state: Record<string, unknown> | null;
}

let cases: Case[] = [];
beforeAll(async () => {
  await initBackend();
  const f = readFixture(import.meta.url, 'schedulers');
  cases = f.config<{ cases: Case[] }>().cases;
  f.dispose();
});

type Sched = { step(metric?: number): void; getLastLr(): number[]; stateDict(): Record<string, unknown>; loadStateDict(s: Record<string, unknown>): void };

function makeOpt(kind: Case['optimizer']): AnyOptimizer {
  const ps = [new Parameter(zeros([2])), new Parameter(zeros([3]))];
  const groups = [{ params: [ps[0]!] }, { params: [ps[1]!], lr: 0.05 }];
  return kind === 'sgd' ? new SGD(groups, { lr: 0.1, momentum: 0.9 }) : (new Adam(groups, { lr: 0.1, betas: [0.9, 0.999] }) as unknown as AnyOptimizer);
}

function makeSched(c: Case, opt: AnyOptimizer): Sched {
  const k = c.kwargs as never;
  const v = (key: string): never => c.kwargs[key] as never;
  const base = c.name.replace(/_.*$/, '');
  switch (base) {
    case 'step': return new StepLR(opt, v('stepSize'), k);
    case 'multistep': return new MultiStepLR(opt, v('milestones'), k);
    case 'exponential': return new ExponentialLR(opt, v('gamma'));
    case 'cosine': return new CosineAnnealingLR(opt, v('tMax'), k);
    case 'plateau': return new ReduceLROnPlateau(opt, k) as unknown as Sched;
    case 'onecycle': return new OneCycleLR(opt, v('maxLr'), k);
  }
  throw new Error(c.name);
}

const momentum = (opt: AnyOptimizer): number[] =>
  opt.paramGroups.map((g) => ((g as Record<string, unknown>)['betas'] ? (g as unknown as { betas: number[] }).betas[0]! : (g as unknown as { momentum: number }).momentum));

function expectSeq(got: number[], want: number[], label: string): void {
  got.forEach((v, i) => {
    const w = want[i]!;
    if (Math.abs(v - w) > 1e-12 + 1e-12 * Math.abs(w)) throw new Error(`${label}[${i}]: got ${v}, PyTorch ${w}`);
  });
}

describe('LR schedulers match PyTorch 1.13', () => {
  it('has the expected cases', () => {
    expect(cases.map((c) => c.name)).toContain('onecycle_three_phase');
  });

  it.each([
    'step', 'multistep', 'exponential', 'cosine', 'cosine_default', 'plateau_min', 'plateau_max_abs', 'plateau_default',
    'onecycle_cos', 'onecycle_linear_adam', 'onecycle_three_phase', 'onecycle_no_momentum',
  ])('%s: lr (and momentum) sequences, and stateDict resume', (name) => {
    const c = cases.find((x) => x.name === name)!;
    const opt = makeOpt(c.optimizer);
    const sched = makeSched(c, opt);
    expectSeq(opt.paramGroups.map((g) => g.lr), c.lrs[0]!, `${name} lr@0`);
    expectSeq(momentum(opt), c.momentums[0]!, `${name} momentum@0`);
    const half = Math.floor(c.steps / 2);
    let saved: { o: ReturnType<AnyOptimizer['stateDict']>; s: Record<string, unknown> } | undefined;
    for (let s = 0; s < c.steps; s++) {
      opt.step();
      if (c.metrics) sched.step(c.metrics[s]!);
      else sched.step();
      expectSeq(opt.paramGroups.map((g) => g.lr), c.lrs[s + 1]!, `${name} lr@${s + 1}`);
      expectSeq(sched.getLastLr(), c.lrs[s + 1]!, `${name} getLastLr@${s + 1}`);
      expectSeq(momentum(opt), c.momentums[s + 1]!, `${name} momentum@${s + 1}`);
      if (s === half - 1) {
        saved = { o: opt.stateDict(), s: JSON.parse(JSON.stringify(sched.stateDict())) as Record<string, unknown> };
        for (const key of ['last_epoch', '_step_count', 'num_bad_epochs', 'cooldown_counter', 'base_lrs']) {
          if (c.mid_state && key in c.mid_state) expect(saved.s[key], `${name} ${key}`).toEqual(c.mid_state[key]);
        }
      }
    }
    // resume from the mid-way state dicts into fresh objects: same sequence
    const opt2 = makeOpt(c.optimizer);
    const sched2 = makeSched(c, opt2);
    opt2.loadStateDict(saved!.o);
    disposeStateDict(saved!.o);
    sched2.loadStateDict(saved!.s);
    for (let s = half; s < c.steps; s++) {
      if (c.metrics) sched2.step(c.metrics[s]!);
      else sched2.step();
      expectSeq(opt2.paramGroups.map((g) => g.lr), c.lrs[s + 1]!, `${name} resumed lr@${s + 1}`);
      expectSeq(momentum(opt2), c.momentums[s + 1]!, `${name} resumed momentum@${s + 1}`);
    }
  });
});
