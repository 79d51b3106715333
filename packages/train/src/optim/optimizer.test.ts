import { initBackend } from '@nnkit/tensor';
import { Parameter, backward } from '@nnkit/nn';
import { assertClose } from '@nnkit/tooling-testing';
import { matMul, mean, memory, ones, square, sub, tensor, zeros } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, AdamW, RMSprop, SGD, disposeStateDict } from './index.js';

beforeAll(async () => {
  await initBackend();
});

describe('Optimizer', () => {
  it("raises PyTorch's errors for invalid options", () => {
    const p = [new Parameter(zeros([2]))];
    expect(() => new SGD(p, { lr: -1 })).toThrow('Invalid learning rate: -1');
    expect(() => new SGD(p, { lr: 0.1, momentum: -0.5 })).toThrow('Invalid momentum value: -0.5');
    expect(() => new SGD(p, { lr: 0.1, nesterov: true })).toThrow('Nesterov momentum requires a momentum and zero dampening');
    expect(() => new SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/Nesterov/);
    expect(() => new Adam(p, { betas: [1, 0.9] })).toThrow('Invalid beta parameter at index 0: 1');
    expect(() => new Adam(p, { betas: [0.9, -0.1] })).toThrow('Invalid beta parameter at index 1: -0.1');
    expect(() => new AdamW(p, { eps: -1 })).toThrow('Invalid epsilon value: -1');
    expect(() => new Adam(p, { weightDecay: -1 })).toThrow('Invalid weight_decay value: -1');
    expect(() => new RMSprop(p, { alpha: -1 })).toThrow('Invalid alpha value: -1');
    expect(() => new Adam([])).toThrow('optimizer got an empty parameter list');
    const opt = new Adam(p);
    expect(() => opt.addParamGroup({ params: p })).toThrow('some parameters appear in more than one parameter group');
    expect(() => opt.addParamGroup({ params: [new Parameter(zeros([1]))], lr: -2 })).toThrow('Invalid learning rate: -2');
  });

  it('has per-group options, defaults and addParamGroup', () => {
    const a = new Parameter(zeros([2]));
    const b = new Parameter(zeros([3]));
    const c = new Parameter(zeros([1]));
    const opt = new AdamW([{ params: [a] }, { params: [b], lr: 0.5, betas: [0.5, 0.6] }], { lr: 0.1 });
    opt.addParamGroup({ params: [c], weightDecay: 0 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.5, 0.1]);
    expect(opt.paramGroups[1]!.betas).toEqual([0.5, 0.6]);
    expect(opt.paramGroups[0]!.weightDecay).toBe(0.01);
    expect(opt.paramGroups[2]!.weightDecay).toBe(0);
    const sd = opt.stateDict();
    expect(sd.param_groups[1]).toMatchObject({ lr: 0.5, betas: [0.5, 0.6], weight_decay: 0.01, amsgrad: false, params: [1] });
    expect(sd.param_groups[2]!.params).toEqual([2]);
  });

  it('zeroGrad frees or zero-fills; step skips parameters without grad', () => {
    const a = new Parameter(tensor([1, 2]));
    const b = new Parameter(tensor([3]));
    const opt = new SGD([a, b], { lr: 0.5 });
    a.setGrad(tensor([1, 1]));
    opt.step();
    assertClose(a.data, [0.5, 1.5]);
    assertClose(b.data, [3]);
    opt.zeroGrad({ setToNone: false });
    assertClose(a.grad!, [0, 0]);
    expect(b.grad).toBeNull();
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    expect(opt.step(() => 42)).toBe(42);
  });

  it('loadStateDict rejects mismatched groups and shapes', () => {
    const a = new Parameter(zeros([2]));
    const opt = new Adam([a]);
    a.setGrad(ones([2]));
    opt.step();
    const sd = opt.stateDict();
    expect(sd.state[0]!['step']).toBe(1);
    const other = new Adam([{ params: [new Parameter(zeros([2]))] }, { params: [new Parameter(zeros([2]))] }]);
    expect(() => other.loadStateDict(sd)).toThrow('different number of parameter groups');
    const wrong = new Adam([new Parameter(zeros([3]))]);
    expect(() => wrong.loadStateDict(sd)).toThrow(/loadStateDict: expected state '.*' of parameter 0 of shape \[3\], got \[2\]/);
    disposeStateDict(sd);
  });

  it.each([
    ['SGD', (p: Parameter[]) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
    ['Adam', (p: Parameter[]) => new Adam(p, { lr: 0.05, amsgrad: true, weightDecay: 1e-3 })],
    ['AdamW', (p: Parameter[]) => new AdamW(p, { lr: 0.05 })],
    ['RMSprop', (p: Parameter[]) => new RMSprop(p, { lr: 0.01, momentum: 0.5, centered: true })],
  ])('%s trains a tiny model and leaks no tensors (1 vs 100 steps)', (_, make) => {
    const w1 = new Parameter(tensor([[0.1, 0.2], [-0.3, 0.4], [0.5, -0.6]]));
    const w2 = new Parameter(tensor([[0.3, -0.2, 0.1]]));
    const params = [w1, w2];
    const opt = make(params);
    const x = tensor([[1, 2], [0.5, -1], [2, 0]]);
    const y = tensor([[1], [0], [2]]);
    const losses: number[] = [];
    const stepOnce = (): void => {
      opt.zeroGrad();
      const loss = backward(() => mean(square(sub(matMul(matMul(x, w1.data, false, true), w2.data, false, true), y))), params);
      losses.push(loss.dataSync()[0]!);
      loss.dispose();
      opt.step();
    };
    stepOnce();
    const after1 = memory().numTensors;
    for (let i = 0; i < 99; i++) stepOnce();
    expect(memory().numTensors).toBe(after1);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.5);
    opt.dispose();
    opt.zeroGrad();
    params.forEach((p) => p.dispose());
    x.dispose();
    y.dispose();
  });
});

describe('saveOptimizerState / loadOptimizerState', () => {
  it('round-trips through safetensors bytes exactly', async () => {
    const { saveOptimizerState, loadOptimizerState } = await import('./index.js');
    const a = new Parameter(tensor([1, -2, 3]));
    const b = new Parameter(tensor([[0.5, 0.25]]));
    const opt = new Adam([{ params: [a] }, { params: [b], lr: 0.01 }], { lr: 0.1, amsgrad: true });
    for (let i = 0; i < 3; i++) {
      a.setGrad(tensor([0.1 * i, -1, 2]));
      b.setGrad(tensor([[1, i]]));
      opt.step();
    }
    const bytes = saveOptimizerState(opt);
    const opt2 = new Adam([{ params: [a] }, { params: [b] }], { lr: 5 });
    loadOptimizerState(opt2, bytes);
    expect(opt2.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.01]);
    const s1 = opt.stateDict();
    const s2 = opt2.stateDict();
    expect(s2.param_groups).toEqual(s1.param_groups);
    for (const i of [0, 1]) {
      expect(s2.state[i]!['step']).toBe(3);
      for (const k of ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']) {
        expect(Array.from((s2.state[i]![k] as import('@tensorflow/tfjs-core').Tensor).dataSync())).toEqual(
          Array.from((s1.state[i]![k] as import('@tensorflow/tfjs-core').Tensor).dataSync()),
        );
      }
    }
    disposeStateDict(s1);
    disposeStateDict(s2);
  });
});
