import { initBackend } from '@nnkit/tensor';
import { Parameter } from '@nnkit/nn';
import { zeros } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, RMSprop, SGD } from '../optim/index.js';
import { CosineAnnealingLR, ExponentialLR, MultiStepLR, OneCycleLR, ReduceLROnPlateau, StepLR } from './index.js';

beforeAll(async () => {
  await initBackend();
});

const sgd = (lr = 0.1): SGD => new SGD([new Parameter(zeros([1]))], { lr, momentum: 0.9 });

describe('LR schedulers', () => {
  it('StepLR / MultiStepLR / ExponentialLR closed forms', () => {
    const o1 = sgd();
    const s1 = new StepLR(o1, 2, { gamma: 0.5 });
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) { seen.push(s1.getLastLr()[0]!); s1.step(); }
    expect(seen).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    const o2 = sgd(1);
    const s2 = new MultiStepLR(o2, [3, 1], { gamma: 0.1 });
    for (let i = 0; i < 3; i++) s2.step();
    expect(o2.paramGroups[0]!.lr).toBeCloseTo(0.01, 12);
    const o3 = sgd(1);
    const s3 = new ExponentialLR(o3, 0.5);
    s3.step(); s3.step();
    expect(s3.getLastLr()).toEqual([0.25]);
    expect(s3.stateDict()).toMatchObject({ last_epoch: 2, _step_count: 3, base_lrs: [1], gamma: 0.5 });
  });

  it('CosineAnnealingLR reaches etaMin at tMax and records initialLr', () => {
    const o = sgd(1);
    const s = new CosineAnnealingLR(o, 4, { etaMin: 0.1 });
    for (let i = 0; i < 4; i++) s.step();
    expect(o.paramGroups[0]!.lr).toBeCloseTo(0.1, 12);
    expect((o.paramGroups[0] as Record<string, unknown>)['initialLr']).toBe(1);
    expect(() => new CosineAnnealingLR(o, 0)).toThrow(/tMax/);
    expect(() => new StepLR(sgd(), 0)).toThrow(/stepSize/);
    const fresh = sgd();
    expect(() => new StepLR(fresh, 2, { lastEpoch: 3 })).toThrow("param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer");
  });

  it("ReduceLROnPlateau validates its options with PyTorch's messages", () => {
    expect(() => new ReduceLROnPlateau(sgd(), { factor: 1 })).toThrow('Factor should be < 1.0.');
    expect(() => new ReduceLROnPlateau(sgd(), { minLr: [0, 0] })).toThrow('expected 1 min_lrs, got 2');
    expect(() => new ReduceLROnPlateau(sgd(), { mode: 'up' as never })).toThrow('mode up is unknown!');
    const s = new ReduceLROnPlateau(sgd(), { patience: 0 });
    expect(s.getLastLr()).toEqual([0.1]);
    s.step(1);
    s.step(2);
    expect(s.getLastLr()[0]).toBeCloseTo(0.01, 12);
    expect(JSON.parse(JSON.stringify(s.stateDict()))).toMatchObject({ best: 1, num_bad_epochs: 0, last_epoch: 2 });
  });

  it('OneCycleLR: errors, beta1 cycling for Adam, too many steps', () => {
    expect(() => new OneCycleLR(sgd(), 1)).toThrow('You must define either total_steps OR (epochs AND steps_per_epoch)');
    expect(() => new OneCycleLR(sgd(), 1, { totalSteps: 0 })).toThrow('Expected positive integer total_steps, but got 0');
    expect(() => new OneCycleLR(sgd(), 1, { epochs: 2, stepsPerEpoch: 1.5 })).toThrow(/steps_per_epoch/);
    expect(() => new OneCycleLR(sgd(), [1, 2], { totalSteps: 3 })).toThrow('expected 1 values for max_lr, got 2');
    expect(() => new OneCycleLR(sgd(), 1, { totalSteps: 3, annealStrategy: 'exp' as never })).toThrow(/anneal_strategy/);
    const adam = new Adam([new Parameter(zeros([1]))], { betas: [0.9, 0.99] });
    const s = new OneCycleLR(adam, 0.5, { totalSteps: 4 });
    expect(adam.paramGroups[0]!.betas).toEqual([0.95, 0.99]);
    expect(adam.paramGroups[0]!.lr).toBeCloseTo(0.02, 12);
    for (let i = 0; i < 4; i++) s.step();
    expect(() => s.step()).toThrow('Tried to step 6 times. The specified number of total steps is 4');
    const rms = new RMSprop([new Parameter(zeros([1]))]);
    expect(() => new OneCycleLR(rms as never, 1, { totalSteps: 2, cycleMomentum: true })).not.toThrow();
  });
});

describe('scheduler stateDict restores hyper-parameters', () => {
  it('MultiStepLR milestones (PyTorch Counter form) and gamma', () => {
    const a = new MultiStepLR(sgd(1), [2, 2, 4], { gamma: 0.5 });
    const b = new MultiStepLR(sgd(1), [9], { gamma: 0.9 });
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())) as Record<string, unknown>);
    expect(b.milestones).toEqual([2, 2, 4]);
    expect(b.gamma).toBe(0.5);
    const c = new StepLR(sgd(), 3);
    c.loadStateDict(new StepLR(sgd(), 7, { gamma: 0.2 }).stateDict());
    expect([c.stepSize, c.gamma]).toEqual([7, 0.2]);
  });
});

describe('OneCycleLR stateDict', () => {
  it('loads into a scheduler built with other options and continues identically (PyTorch keys)', () => {
    const run = (o: SGD, s: OneCycleLR, n: number): number[][] => {
      const out: number[][] = [];
      for (let i = 0; i < n; i++) {
        s.step();
        out.push([o.paramGroups[0]!.lr, (o.paramGroups[0] as unknown as { momentum: number }).momentum]);
      }
      return out;
    };
    const oa = sgd();
    const a = new OneCycleLR(oa, 0.8, { totalSteps: 20, pctStart: 0.4, annealStrategy: 'linear', threePhase: true, maxMomentum: 0.97, baseMomentum: 0.8 });
    run(oa, a, 7);
    const state = JSON.parse(JSON.stringify(a.stateDict())) as Record<string, unknown>;
    expect(state).toMatchObject({ total_steps: 20, anneal_strategy: 'linear', cycle_momentum: true, use_beta1: false, last_epoch: 7 });
    expect((state['_schedule_phases'] as unknown[]).length).toBe(3);
    expect((state['_schedule_phases'] as Array<Record<string, unknown>>)[0]).toMatchObject({ start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum' });
    const groups = JSON.parse(JSON.stringify(oa.stateDict().param_groups)) as never;
    // a fresh optimizer and a scheduler with different options, restored from the two state dicts
    const ob = sgd();
    const b = new OneCycleLR(ob, 0.1, { totalSteps: 5 });
    ob.loadStateDict({ state: {}, param_groups: groups });
    b.loadStateDict(state);
    expect(b.totalSteps).toBe(20);
    expect(run(ob, b, 13)).toEqual(run(oa, a, 13));
  });
});
