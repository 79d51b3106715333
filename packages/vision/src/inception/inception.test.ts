import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, ShapeError } from '@nnkit/tensor';
import { loadSafetensors, loadStateDictFromFile, StateDictError, summary } from '@nnkit/nn';
import { assertClose, closeness } from '@nnkit/tooling-testing';
import { memory, type Tensor, zeros } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Inception3, type InceptionOutputs } from './inception-v3.js';
import { ensureExport, torchvisionMissing } from '../test-utils/torchvision-export.js';

beforeAll(async () => {
  await initBackend();
});

const count = (m: Inception3): number => m.parameters().reduce((n, p) => n + p.size, 0);

describe('Inception3 (structure)', () => {
  it('has torchvision’s 27,161,264 parameters with AuxLogits at 1000 classes, 23,834,568 without', () => {
    const m = new Inception3({ initWeights: false });
    expect(count(m)).toBe(27_161_264);
    m.dispose();
    const n = new Inception3({ initWeights: false, auxLogits: false });
    expect(count(n)).toBe(23_834_568);
    expect(Object.keys(n.stateDict()).some((k) => k.startsWith('AuxLogits.'))).toBe(false);
    n.dispose();
  });

  it('uses torchvision’s state_dict keys', () => {
    const m = new Inception3({ initWeights: false, numClasses: 7 });
    const sd = m.stateDict();
    const keys = Object.keys(sd);
    expect(keys.slice(0, 6)).toEqual([
      'Conv2d_1a_3x3.conv.weight',
      'Conv2d_1a_3x3.bn.weight',
      'Conv2d_1a_3x3.bn.bias',
      'Conv2d_1a_3x3.bn.running_mean',
      'Conv2d_1a_3x3.bn.running_var',
      'Conv2d_1a_3x3.bn.num_batches_tracked',
    ]);
    expect(keys).toContain('Mixed_5b.branch1x1.bn.running_mean');
    expect(keys).toContain('Mixed_7c.branch3x3dbl_3b.conv.weight');
    expect(sd['AuxLogits.fc.weight']!.shape).toEqual([7, 768]);
    expect(sd['fc.weight']!.shape).toEqual([7, 2048]);
    expect(keys.at(-1)).toBe('fc.bias');
    expect(keys.length).toBe(580);
    m.dispose();
  });

  it('initialises like torchvision: truncated normal, stddev 0.1 / 0.01 (AuxLogits.conv1) / 0.001 (AuxLogits.fc)', () => {
    const m = new Inception3({ numClasses: 10 });
    const std = (t: Tensor): number => {
      const v = t.dataSync();
      let s = 0;
      for (const x of v) s += x * x;
      return Math.sqrt(s / v.length);
    };
    const sd = m.stateDict();
    expect(std(sd['Mixed_6e.branch7x7_1.conv.weight']!)).toBeCloseTo(0.1, 2);
    expect(std(sd['AuxLogits.conv1.conv.weight']!)).toBeCloseTo(0.01, 3);
    expect(std(sd['AuxLogits.fc.weight']!)).toBeCloseTo(0.001, 4);
    expect(std(sd['fc.weight']!)).toBeCloseTo(0.1, 2);
    expect(Array.from(sd['Mixed_5b.branch1x1.bn.weight']!.dataSync()).every((v) => v === 1)).toBe(true);
    m.dispose();
  });

  it('refuses a 1-channel image with a ShapeError naming the module', () => {
    const m = new Inception3({ initWeights: false }).eval();
    const x = zeros([2, 1, 299, 299]);
    let err: unknown;
    try {
      m.call(x);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShapeError);
    expect((err as Error).message).toMatch(/^Inception3: expected input of shape \[B, 3, H, W\].*3 \(RGB\) channels, got 1/);
    x.dispose();
    m.dispose();
  });

  it('refuses an image below 75 × 75, and AuxLogits in training below 299 × 299', () => {
    const m = new Inception3({ initWeights: false });
    const small = zeros([1, 3, 74, 120]);
    expect(() => m.eval().call(small)).toThrow(ShapeError);
    expect(() => m.eval().call(small)).toThrow(/74 × 120, smaller than 75 × 75/);
    const mid = zeros([2, 3, 150, 150]);
    expect(() => m.train().call(mid)).toThrow(/AuxLogits needs H, W >= 299/);
    [small, mid].forEach((t) => t.dispose());
    m.dispose();
  });

  it('runs at the smallest size, 75 × 75 (eval), and in training without AuxLogits', () => {
    const m = new Inception3({ numClasses: 4, auxLogits: false, initWeights: false }).eval();
    const x = zeros([2, 3, 75, 75]);
    const before = memory().numTensors;
    const y = m.call(x) as Tensor;
    expect(y.shape).toEqual([2, 4]);
    y.dispose();
    const t = m.train().call(x) as Tensor;
    expect(t.shape).toEqual([2, 4]);
    t.dispose();
    expect(memory().numTensors).toBe(before);
    x.dispose();
    m.dispose();
  });

  it('summary shows the 299 × 299 shapes of torchvision', () => {
    const m = new Inception3({ initWeights: false, auxLogits: false }).eval();
    const s = summary(m, [1, 3, 299, 299]);
    const shape = (name: string): number[] | undefined => s.rows.find((r) => r.name === name)?.outputShape as number[] | undefined;
    expect(shape('Mixed_5b')).toEqual([1, 256, 35, 35]);
    expect(shape('Mixed_6e')).toEqual([1, 768, 17, 17]);
    expect(shape('Mixed_7c')).toEqual([1, 2048, 8, 8]);
    m.dispose();
  });
});

const missing = torchvisionMissing();

describe.skipIf(missing !== null)(`Inception3 vs torchvision 0.14 (random weights)${missing ? ` — skipped: ${missing}` : ''}`, () => {
  let dir = '';
  let model: Inception3;
  let io: Record<string, Tensor>;
  const report: string[] = [];

  beforeAll(() => {
    dir = ensureExport();
    const weights = loadSafetensors(new Uint8Array(readFileSync(join(dir, 'weights.safetensors'))));
    model = new Inception3({ numClasses: 10, dropout: 0, initWeights: false });
    model.cacheWeights(false); // the tests count tensors around single calls
    model.loadStateDict(weights, { strict: true });
    Object.values(weights).forEach((t) => t.dispose());
    io = loadSafetensors(new Uint8Array(readFileSync(join(dir, 'io.safetensors'))));
  }, 900_000);

  it('eval logits at 299 × 299 (batch 2, 10 classes) within 1e-3', () => {
    const before = memory().numTensors;
    const y = model.eval().call(io['in.x299']!) as Tensor;
    expect(y.shape).toEqual([2, 10]);
    report.push(`eval 299: max |diff| ${closeness(y, io['out.eval299']!).maxAbs.toExponential(2)}`);
    assertClose(y, io['out.eval299']!, { atol: 1e-3, rtol: 0, name: 'Inception3 eval 299' });
    y.dispose();
    expect(memory().numTensors).toBe(before);
  }, 120_000);

  it('eval logits at 150 × 150 within 1e-3', () => {
    const y = model.eval().call(io['in.x150']!) as Tensor;
    report.push(`eval 150: max |diff| ${closeness(y, io['out.eval150']!).maxAbs.toExponential(2)}`);
    assertClose(y, io['out.eval150']!, { atol: 1e-3, rtol: 0, name: 'Inception3 eval 150' });
    y.dispose();
  }, 120_000);

  it('train mode (dropout off): logits and aux logits within 1e-3', () => {
    const state = Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, v.clone()]));
    const out = model.train().call(io['in.x299']!) as InceptionOutputs;
    report.push(`train 299: logits ${closeness(out.logits, io['out.train299']!).maxAbs.toExponential(2)}, aux ${closeness(out.auxLogits, io['out.aux299']!).maxAbs.toExponential(2)}`);
    assertClose(out.logits, io['out.train299']!, { atol: 1e-3, rtol: 0, name: 'Inception3 train logits' });
    assertClose(out.auxLogits, io['out.aux299']!, { atol: 1e-3, rtol: 0, name: 'Inception3 aux logits' });
    out.logits.dispose();
    out.auxLogits.dispose();
    model.loadStateDict(state); // undo the running-statistics update
    Object.values(state).forEach((t) => t.dispose());
    console.log(`Inception3 vs torchvision: ${report.join('; ')}`);
  }, 120_000);

  it('the same weights saved with torch.save(model.state_dict()) load straight from the .pth: same logits', () => {
    const m = new Inception3({ numClasses: 10, initWeights: false }).eval();
    const res = loadStateDictFromFile(m, new Uint8Array(readFileSync(join(dir, 'weights.pth'))), { file: 'weights.pth' });
    expect(res).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const y = m.call(io['in.x299']!) as Tensor;
    console.log(`Inception3 from .pth: eval 299 max |diff| ${closeness(y, io['out.eval299']!).maxAbs.toExponential(2)}`);
    assertClose(y, io['out.eval299']!, { atol: 1e-3, rtol: 0, name: 'Inception3 from .pth' });
    y.dispose();
    m.dispose();
  }, 300_000);

  it('a .pth whose keys do not match names the missing and unexpected keys', () => {
    let err: unknown;
    try {
      loadStateDictFromFile(model, new Uint8Array(readFileSync(join(dir, 'mismatch.pth'))), { file: 'mismatch.pth' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateDictError);
    const e = err as StateDictError;
    expect(e.missingKeys).toEqual([
      'AuxLogits.conv0.conv.weight',
      'AuxLogits.conv0.bn.weight',
      'AuxLogits.conv0.bn.bias',
      'AuxLogits.conv0.bn.running_mean',
      'AuxLogits.conv0.bn.running_var',
      'AuxLogits.conv0.bn.num_batches_tracked',
      'fc.weight',
      'fc.bias',
    ]);
    expect(e.unexpectedKeys).toEqual(['classifier.weight', 'classifier.bias']);
    expect(e.message).toMatch(/Inception3: missing keys: AuxLogits\.conv0\.conv\.weight, .*unexpected keys: classifier\.weight, classifier\.bias/);
  }, 300_000);
});
