import { initBackend, ArgumentError } from '@nnkit/tensor';
import { backward, crossEntropy } from '@nnkit/nn';
import { SGD } from '@nnkit/train';
import { memory, randomNormal, tensor1d, type Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Inception3 } from '../inception/inception-v3.js';
import { evalFrozenBatchNorm, freezeAllBut } from './freeze.js';

beforeAll(async () => {
  await initBackend();
});

const snapshot = (m: Inception3): Record<string, Float32Array | Int32Array | Uint8Array> =>
  Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, v.dataSync().slice()]));

describe('transfer learning', () => {
  it('replaceClassifier gives fresh fc and AuxLogits.fc with the new number of classes', () => {
    const m = new Inception3({ initWeights: false });
    const before = memory().numTensors;
    m.replaceClassifier(5);
    expect(m.numClasses).toBe(5);
    const sd = m.stateDict();
    expect(sd['fc.weight']!.shape).toEqual([5, 2048]);
    expect(sd['AuxLogits.fc.weight']!.shape).toEqual([5, 768]);
    expect(memory().numTensors).toBe(before - 4 + 4);
    expect(() => m.replaceClassifier(0)).toThrow(ArgumentError);
    m.dispose();
  });

  it('freezeAllBut names an unknown prefix', () => {
    const m = new Inception3({ initWeights: false, auxLogits: false });
    expect(() => freezeAllBut(m, ['classifier'])).toThrow(/no parameter under 'classifier'/);
    m.dispose();
  });

  // 75 × 75 keeps the test short (a frozen-backbone step at 299 × 299 with AuxLogits — the only size
  // at which the auxiliary head runs — takes ~50 s on a loaded 2-core machine): AuxLogits' side is
  // checked by the same freeze on a model built with it, whose AuxLogits.fc stays the only other
  // trainable module.
  it('one fine-tuning step with the backbone frozen changes only fc (75 × 75, batch 2, wasm)', () => {
    const m = new Inception3({ initWeights: false, auxLogits: false }).replaceClassifier(3);
    expect(freezeAllBut(m, ['fc'])).toEqual(['fc.weight', 'fc.bias']);
    m.train();
    expect(evalFrozenBatchNorm(m)).toBe(94);
    const opt = new SGD(m.parameters().filter((p) => p.requiresGrad), { lr: 0.5 });
    const x = randomNormal([2, 3, 75, 75], 0, 1, 'float32', 1);
    const y = tensor1d([0, 2], 'int32');
    const before = snapshot(m);
    const tensorsBefore = memory().numTensors;
    const loss = backward(() => crossEntropy(m.call(x) as Tensor, y), m);
    opt.step();
    expect(loss.dataSync()[0]).toBeGreaterThan(0);
    loss.dispose();
    const after = snapshot(m);
    const changed = Object.keys(before).filter((k) => before[k]!.some((v, i) => v !== after[k]![i]));
    expect(changed.sort()).toEqual(['fc.bias', 'fc.weight']);
    opt.zeroGrad();
    expect(memory().numTensors).toBe(tensorsBefore);
    [x, y].forEach((t) => t.dispose());
    m.dispose();
  }, 120_000);

  it('with AuxLogits, freezing the backbone leaves exactly fc and AuxLogits.fc trainable', () => {
    const m = new Inception3({ initWeights: false }).replaceClassifier(3);
    expect(freezeAllBut(m, ['fc', 'AuxLogits.fc'])).toEqual(['AuxLogits.fc.weight', 'AuxLogits.fc.bias', 'fc.weight', 'fc.bias']);
    expect(m.parameters().filter((p) => p.requiresGrad).length).toBe(4);
    m.train();
    expect(evalFrozenBatchNorm(m)).toBe(96);
    m.dispose();
  });
});
