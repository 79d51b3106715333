import { keep, memory, mul, sum, variable, variableGrads, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { assertClose, closeness } from './close.js';
import { disableDropout } from './parity.js';

/** What {@link checkModuleCase} needs of a module (structural: no dependency on @nnkit/nn). */
export interface CaseModule {
  call(x: Tensor): Tensor;
  eval(): unknown;
  train(): unknown;
  namedParameters(): Iterable<[string, { data: Variable }]>;
  stateDict(): Record<string, Tensor>;
  modules(): Iterable<object>;
  /** `Module.cacheWeights`: when present, the eval output is also checked with the weight cache on. */
  cacheWeights?(on?: boolean): unknown;
}

/**
 * `actual` within 1e-4 of PyTorch's float32 result `t[key]`; failing that, within 1e-4 of the
 * float64 result `t['f64.' + key]` (nnkit is as close to the exact answer as asked; PyTorch's own
 * rounding went the other way); failing that — an ill-conditioned case where PyTorch's float32
 * result is itself far from float64, e.g. a batch norm over two values — within 1e-4 plus twice
 * PyTorch's own error of the float64 result. Each fallback is appended to `log`.
 */
export function checkAgainstTorch(actual: Tensor, t: Record<string, Tensor>, key: string, name: string, log: string[]): void {
  const torch32 = t[key]!;
  const exact = t[`f64.${key}`];
  if (closeness(actual, torch32).ok || exact === undefined) return assertClose(actual, torch32, { name });
  const torchErr = closeness(torch32, exact).maxAbs;
  log.push(`${name}: nnkit off float64 by ${closeness(actual, exact).maxAbs.toExponential(1)}, PyTorch float32 by ${torchErr.toExponential(1)}`);
  if (closeness(actual, exact).ok) return;
  assertClose(actual, exact, { name: `${name} (vs float64; PyTorch float32 is off by ${torchErr.toExponential(2)})`, atol: 1e-4 + 2 * torchErr });
}

/**
 * Runs one whole-module parity case as written by `tooling/parity/common.py:model_case` (state
 * already loaded into `model`): eval output, then in train mode with every dropout disabled the
 * output, input and parameter gradients of `sum(y · in.r)`, and the state after the step; checks
 * that no tensor leaks. Float64 fallbacks are appended to `log`.
 */
export function checkModuleCase(model: CaseModule, t: Record<string, Tensor>, name: string, log: string[]): void {
  const before = memory().numTensors;
  model.eval();
  const yEval = model.call(t['in.x']!);
  expect(yEval.shape, `${name} eval shape`).toEqual(t['out.eval']!.shape);
  checkAgainstTorch(yEval, t, 'out.eval', `${name} eval output`, log);
  if (model.cacheWeights) {
    // the same with the eval-mode weight cache: first call fills it, second call uses it
    model.cacheWeights(true);
    for (let i = 0; i < 2; i++) {
      const y = model.call(t['in.x']!);
      assertClose(y, yEval, { atol: 1e-5, rtol: 1e-5, name: `${name} eval output with cacheWeights (call ${i + 1})` });
      y.dispose();
    }
    model.cacheWeights(false);
  }
  yEval.dispose();

  model.train();
  disableDropout(model);
  const xv = variable(t['in.x']!, true, `case_x_${Math.random()}`);
  let yTrain: Tensor | undefined;
  const { value, grads } = variableGrads(() => {
    const y = model.call(xv);
    yTrain = keep(y.clone());
    return sum(mul(y, t['in.r']!));
  });
  checkAgainstTorch(yTrain!, t, 'out.train', `${name} train output`, log);
  checkAgainstTorch(grads[xv.name]!, t, 'grad.in.x', `${name} input grad`, log);
  for (const [p, v] of model.namedParameters()) checkAgainstTorch(grads[v.data.name]!, t, `grad.w.${p}`, `${name} grad ${p}`, log);
  for (const [k, v] of Object.entries(model.stateDict())) assertClose(v, t[`after.${k}`]!, { name: `${name} after ${k}` });
  for (const x of [value, yTrain!, xv, ...Object.values(grads)]) x.dispose();
  expect(memory().numTensors).toBe(before);
}
