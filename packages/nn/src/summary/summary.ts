import { type DataType, Tensor, tidy, zeros } from '@tensorflow/tfjs-core';
import type { Module, RemovableHandle } from '../module.js';
import { formatSummary } from './format.js';
import type { ModelSummary, MultAddsCounter, SummaryRow } from './types.js';
import { ArgumentError } from '@nnkit/tensor';

/** Options for {@link summary}. */
export interface SummaryOptions {
  /** dtype of the zero inputs, one for all or one per input (e.g. `'int32'` for token ids). Default `'float32'`. */
  dtypes?: DataType | DataType[];
}

const MB = 1024 * 1024;
const numel = (s: number[]): number => s.reduce((a, b) => a * b, 1);

function tensorShapes(x: unknown, out: number[][] = []): number[][] {
  if (x instanceof Tensor) out.push(x.shape.slice());
  else if (Array.isArray(x)) for (const v of x) tensorShapes(v, out);
  else if (x !== null && typeof x === 'object') for (const v of Object.values(x)) tensorShapes(v, out);
  return out;
}

function hasMultAdds(m: Module): m is Module & MultAddsCounter {
  return typeof (m as Partial<MultAddsCounter>).multAdds === 'function';
}

/**
 * Summarises a model like torchsummary / torchstat: runs one forward pass on zeros of
 * `inputShape` (the full shape with batch, PyTorch layout, e.g. `[1, 1, 32, 32]`; pass a list
 * of shapes for several inputs) in eval mode, inside `tidy`, with a forward hook on every module,
 * then restores each module's mode and removes the hooks. Reports each module's output shape,
 * directly owned parameters and mult-adds (from layers implementing {@link MultAddsCounter}),
 * the totals, and a memory estimate. Errors of the forward pass (e.g. a wrong input shape)
 * propagate unchanged.
 *
 * @example
 * ```ts
 * const s = summary(new LeNet(), [1, 1, 32, 32]);
 * s.totalParams;          // 61706
 * s.rows[0];              // { name: 'conv1', type: 'Conv2d', outputShape: [1, 6, 28, 28], params: 156, ... }
 * console.log(s.toString());
 * ```
 */
export function summary(model: Module, inputShape: number[] | number[][], opts: SummaryOptions = {}): ModelSummary {
  const shapes: number[][] = inputShape.length && Array.isArray(inputShape[0]) ? (inputShape as number[][]) : [inputShape as number[]];
  shapes.forEach((s, i) => {
    if (!Array.isArray(s) || !s.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new ArgumentError(`summary(${model.constructor.name})`, `input shape ${i} must be an array of non-negative integers, got ${JSON.stringify(s)}`);
    }
  });
  const dtypeOf = (i: number): DataType => (Array.isArray(opts.dtypes) ? (opts.dtypes[i] ?? 'float32') : (opts.dtypes ?? 'float32'));

  const mods = [...model.namedModules()];
  const rec = new Map<Module, { out: number[][] | null; calls: number; multAdds: number; activations: number }>();
  for (const [, m] of mods) rec.set(m, { out: null, calls: 0, multAdds: 0, activations: 0 });
  const modes = mods.map(([, m]) => m.training);
  const handles: RemovableHandle[] = [];
  try {
    for (const [, m] of mods) {
      handles.push(
        m.registerForwardHook((mod, inputs, output) => {
          const r = rec.get(mod)!;
          const outs = tensorShapes(output);
          const ins = tensorShapes(inputs);
          r.out = outs;
          r.calls++;
          if ([...mod.children()].length === 0) r.activations += outs.reduce((a, s) => a + numel(s), 0);
          if (hasMultAdds(mod) && ins[0] && outs[0]) r.multAdds += mod.multAdds(ins[0], outs[0]);
          return undefined;
        }),
      );
    }
    model.eval();
    tidy(() => {
      const xs = shapes.map((s, i) => zeros(s, dtypeOf(i)));
      (model.call as (...a: unknown[]) => unknown).apply(model, xs);
    });
  } finally {
    for (const h of handles) h.remove();
    mods.forEach(([, m], i) => (m.training = modes[i]!));
  }

  const seen = new Set<unknown>();
  const rows: SummaryRow[] = [];
  let multAdds = 0;
  let activations = 0;
  for (const [name, m] of mods) {
    let params = 0;
    let trainable = 0;
    for (const [, p] of m.namedParameters('', false)) {
      if (seen.has(p)) continue;
      seen.add(p);
      params += p.size;
      if (p.requiresGrad) trainable += p.size;
    }
    const r = rec.get(m)!;
    multAdds += r.multAdds;
    activations += r.activations;
    if (name === '' && params === 0) continue; // the model itself, unless it owns parameters
    const outputShape = r.out === null ? null : r.out.length === 1 ? r.out[0]! : r.out;
    rows.push({ name, type: m.constructor.name, depth: name === '' ? 0 : name.split('.').length, outputShape, calls: r.calls, params, trainable, multAdds: r.multAdds });
  }
  const ps = model.parameters();
  const totalParams = ps.reduce((a, p) => a + p.size, 0);
  const trainableParams = ps.reduce((a, p) => a + (p.requiresGrad ? p.size : 0), 0);
  const paramData = new Set<unknown>(ps.map((p) => p.data));
  const buffers = Object.values(model.stateDict()).filter((t) => !paramData.has(t));
  const bufferCount = buffers.reduce((a, t) => a + t.size, 0);
  const statisticsCount = buffers.reduce((a, t) => a + (t.dtype === 'float32' ? t.size : 0), 0);
  const inputMB = (shapes.reduce((a, s) => a + numel(s), 0) * 4) / MB;
  const activationsMB = (activations * 4 * 2) / MB;
  const paramsMB = (totalParams * 4) / MB;
  const result: Omit<ModelSummary, 'toString'> = {
    rows,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    bufferCount,
    statisticsCount,
    multAdds,
    memory: { inputMB, activationsMB, paramsMB, totalMB: inputMB + activationsMB + paramsMB },
  };
  const text = formatSummary(model.constructor.name, result);
  return { ...result, toString: () => text };
}

/**
 * Prints {@link summary}'s table with `console.log` and returns the summary.
 *
 * @example
 * ```ts
 * printSummary(model, [1, 22, 1125]); // EEG: x: [B, channels, time]
 * ```
 */
export function printSummary(model: Module, inputShape: number[] | number[][], opts: SummaryOptions = {}): ModelSummary {
  const s = summary(model, inputShape, opts);
  console.log(s.toString());
  return s;
}
