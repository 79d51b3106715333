import { initBackend } from '@nnkit/tensor';
import { add, matMul, memory, ones, relu, type Tensor, tensor, zeros } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Sequential } from '../containers/index.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { printSummary, summary } from './index.js';
import { AvgPool2d, Conv2d } from '../layers/conv/index.js';
import { BatchNorm2d, Dropout, ELU, Flatten, Linear } from '../layers/basic/index.js';
import { thousands } from './format.js';

class Lin extends Module {
  weight: Parameter;
  bias: Parameter;
  constructor(
    readonly inF: number,
    readonly outF: number,
  ) {
    super();
    this.weight = this.registerParameter('weight', new Parameter(ones([outF, inF])));
    this.bias = this.registerParameter('bias', new Parameter(zeros([outF])));
  }
  forward(x: Tensor): Tensor {
    if (x.shape.at(-1) !== this.inF) throw new Error(`${this.path()}: expected [*, ${this.inF}], got [${x.shape}]`);
    return add(matMul(x, this.weight.data, false, true), this.bias.data);
  }
  multAdds(inputShape: number[], outputShape: number[]): number {
    return outputShape.reduce((a, b) => a * b, 1) * (inputShape.at(-1) ?? 0);
  }
}
class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}
class Norm extends Module {
  scale = this.registerParameter('scale', new Parameter(ones([8]), { requiresGrad: false }));
  mean = this.registerBuffer('running_mean', zeros([8]));
  nbt = this.registerBuffer('num_batches_tracked', tensor(0, [], 'int32'));
  tmp = this.registerBuffer('tmp', zeros([100]), { persistent: false });
  modeSeen: boolean[] = [];
  forward(x: Tensor): Tensor {
    this.modeSeen.push(this.training);
    return x;
  }
}
class Split extends Module {
  forward(x: Tensor): Tensor[] {
    return [x, x];
  }
}
class Net extends Module {
  gain = this.registerParameter('gain', new Parameter(ones([1])));
  body = this.registerModule('body', new Sequential(new Lin(4, 8), new ReLU(), new Norm()));
  act = this.registerModule('act', new ReLU());
  head = this.registerModule('head', new Lin(8, 3));
  split = this.registerModule('split', new Split());
  unused = this.registerModule('unused', new Lin(2, 2));
  forward(x: Tensor): Tensor[] {
    const h = this.act.call(this.body.call(x));
    return this.split.call(this.act.call(this.head.call(h)));
  }
}

beforeAll(async () => {
  await initBackend();
});

describe('summary', () => {
  it('reports rows, totals, buffers, mult-adds and memory', () => {
    const net = new Net();
    net.body.at(0).train(); // mixed modes must be restored
    net.head.eval();
    const before = memory().numTensors;
    const s = summary(net, [2, 4]);
    expect(memory().numTensors).toBe(before);
    expect(s.rows.map((r) => r.name)).toEqual(['', 'body', 'body.0', 'body.1', 'body.2', 'act', 'head', 'split', 'unused']);
    const row = (n: string) => s.rows.find((r) => r.name === n)!;
    expect(row('body.0')).toMatchObject({ type: 'Lin', outputShape: [2, 8], params: 40, trainable: 40, multAdds: 64, calls: 1 });
    expect(row('body')).toMatchObject({ type: 'Sequential', outputShape: [2, 8], params: 0, multAdds: 0 });
    expect(row('body.2')).toMatchObject({ params: 8, trainable: 0 });
    expect(row('act')).toMatchObject({ calls: 2, outputShape: [2, 3] });
    expect(row('split').outputShape).toEqual([[2, 3], [2, 3]]);
    expect(row('unused')).toMatchObject({ outputShape: null, calls: 0, params: 6 });
    expect(row('').params).toBe(1);
    expect(s.totalParams).toBe(1 + 40 + 8 + 27 + 6);
    expect(s.trainableParams).toBe(s.totalParams - 8);
    expect(s.nonTrainableParams).toBe(8);
    expect(s.bufferCount).toBe(8 + 1); // persistent only
    expect(s.multAdds).toBe(64 + 2 * 3 * 8);
    expect(s.rows.reduce((a, r) => a + r.params, 0)).toBe(s.totalParams);
    // leaf outputs: body.0, body.1, body.2 (2x8 each), act x2 (2x8 + 2x3), head (2x3), split (2 x 2x3)
    const leafElems = 16 * 3 + 16 + 6 + 6 + 12;
    expect(s.memory.activationsMB).toBeCloseTo((leafElems * 8) / 2 ** 20, 12);
    expect(s.memory.inputMB).toBeCloseTo((8 * 4) / 2 ** 20, 12);
    expect(s.memory.paramsMB).toBeCloseTo((s.totalParams * 4) / 2 ** 20, 12);
    expect(s.memory.totalMB).toBeCloseTo(s.memory.inputMB + s.memory.activationsMB + s.memory.paramsMB, 12);
    // eval during the pass, modes restored after
    const norm = net.body.at(2) as Norm;
    expect(norm.modeSeen).toEqual([false]);
    expect(net.training).toBe(true);
    expect(net.head.training).toBe(false);
    expect(norm.training).toBe(true);
    // hooks removed
    const x = ones([2, 4]);
    net.call(x).forEach((t) => t.dispose());
    expect(row('body.0').calls).toBe(1);
    x.dispose();
    net.dispose();
  });

  it('renders a table with thousands separators', () => {
    const big = new Sequential(new Lin(64, 64), new ReLU());
    const s = summary(big, [1, 64]);
    const text = s.toString();
    expect(text).toContain('Trainable params: 4,160');
    expect(text).toContain('Total params: 4,160');
    expect(text).toContain('Non-trainable params: 0');
    expect(text).toMatch(/0 \(Lin\)\s+\[1, 64\]\s+4,160\s+4,096/);
    expect(text).toMatch(/1 \(ReLU\)\s+\[1, 64\]\s+0\s+0/);
    expect(`${s}`).toBe(text);
    expect(thousands(1234567)).toBe('1,234,567');
    expect(thousands(999)).toBe('999');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    printSummary(big, [1, 64]);
    expect(log).toHaveBeenCalledWith(text);
    log.mockRestore();
    big.dispose();
  });

  it('passes several inputs, dtypes, and propagates forward errors after cleaning up', () => {
    class Two extends Module {
      forward(a: Tensor, b: Tensor): Tensor {
        expect(b.dtype).toBe('int32');
        return add(a, a);
      }
    }
    const s = summary(new Two(), [[2, 3], [2]], { dtypes: ['float32', 'int32'] });
    expect(s.rows).toEqual([]);
    expect(s.memory.inputMB).toBeCloseTo((8 * 4) / 2 ** 20, 12);
    const net = new Sequential(new Lin(4, 2));
    const before = memory().numTensors;
    expect(() => summary(net, [1, 5])).toThrow(/Sequential\.0: expected \[\*, 4\], got \[1,5\]/);
    expect(memory().numTensors).toBe(before);
    expect(net.training).toBe(true);
    expect(() => summary(net, [1, -1])).toThrow(/input shape 0 must be an array of non-negative integers/);
    net.dispose();
  });
});

describe('summary on nnkit layers (numbers checked against PyTorch 1.13)', () => {
  it('EEGNet-like block: trainable vs frozen params, buffer elements, output shapes, mult-adds', () => {
    // nn.Sequential(Conv2d(1, 8, (1, 32), padding='same', bias=False), BatchNorm2d(8),
    //   Conv2d(8, 16, (22, 1), groups=8, bias=False), BatchNorm2d(16), ELU(), AvgPool2d((1, 4)),
    //   Dropout(0.25), Flatten(), Linear(512, 4)): 2708 params, 50 buffer elements in PyTorch.
    const net = new Sequential(
      new Conv2d(1, 8, [1, 32], { padding: 'same', bias: false }),
      new BatchNorm2d(8),
      new Conv2d(8, 16, [22, 1], { groups: 8, bias: false }),
      new BatchNorm2d(16),
      new ELU(),
      new AvgPool2d([1, 4]),
      new Dropout(0.25),
      new Flatten(),
      new Linear(16 * 32, 4),
    );
    net.at(0).requiresGrad_(false);
    const s = summary(net, [1, 1, 22, 128]);
    expect(s.totalParams).toBe(2708);
    expect(s.bufferCount).toBe(50);
    expect(s.nonTrainableParams).toBe(256);
    expect(s.trainableParams).toBe(2708 - 256);
    expect(s.rows.map((r) => r.outputShape)).toEqual([
      [1, 8, 22, 128], [1, 8, 22, 128], [1, 16, 1, 128], [1, 16, 1, 128], [1, 16, 1, 128],
      [1, 16, 1, 32], [1, 16, 1, 32], [1, 512], [1, 4],
    ]);
    expect(s.rows[0]).toMatchObject({ params: 256, trainable: 0, multAdds: 8 * 22 * 128 * 32 });
    expect(s.rows[2]!.multAdds).toBe(16 * 128 * 22);
    expect(s.rows[8]!.multAdds).toBe(4 * 512);
    expect(s.toString()).toContain('Non-trainable params: 256');
    expect(net.training).toBe(true);
    net.dispose();
  });
});
