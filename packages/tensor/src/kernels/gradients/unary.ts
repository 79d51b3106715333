import {
  add,
  cast,
  clone,
  cos,
  cosh,
  div,
  exp,
  mul,
  neg,
  sign,
  sin,
  sinh,
  sqrt,
  square,
  step,
  sub,
  type GradConfig,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { attrsOf, zeroGrad } from './util.js';

const f32 = (t: Tensor): Tensor => (t.dtype === 'float32' ? t : cast(t, 'float32'));

/** A one-input (`x`) gradient `dy * f'(x)` computed from the saved input. */
function fromInput(kernelName: string, df: (dy: Tensor, x: Tensor) => Tensor): GradConfig {
  return { kernelName, inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => df(dy as Tensor, f32(x!)) }) };
}

/** A one-input (`x`) gradient computed from the saved output `y`. */
function fromOutput(kernelName: string, df: (dy: Tensor, y: Tensor) => Tensor): GradConfig {
  return { kernelName, outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => df(dy as Tensor, f32(y!)) }) };
}

/** Zero gradients for every named input (piecewise-constant, boolean or index-valued kernels). */
function zero(kernelName: string, inputs: string[]): GradConfig {
  return {
    kernelName,
    inputsToSave: inputs,
    gradFunc: (_dy, saved) => Object.fromEntries(inputs.map((name, i) => [name, () => zeroGrad(saved[i]!.shape)])),
  };
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * Gradients of the elementwise math kernels: `Sqrt`, `Rsqrt`, `Reciprocal`, `Exp`, `Expm1`,
 * `Log`, `Log1p`, `Abs` (sign(x), 0 at 0 as in PyTorch), `Erf`, `Sin`, `Cos`, `Tan`, `Sinh`,
 * `Cosh`, `Asin`, `Acos`, `Atan`, `Asinh`, `Acosh`, `Atanh`, `ClipByValue` (passes where
 * min <= x <= max), `Cast`, `Identity`, and the zero gradients of `Floor`, `Ceil`, `Round`,
 * `Sign`, `Step`, the comparisons and logical ops, `IsNan`/`IsInf`/`IsFinite`,
 * `ArgMax`/`ArgMin`, `OneHot`, `ZerosLike` and `OnesLike`.
 */
export function unaryGradients(): GradConfig[] {
  return [
    fromOutput('Sqrt', (dy, y) => div(dy, mul(2, y))),
    fromOutput('Rsqrt', (dy, y) => mul(dy, mul(-0.5, mul(y, square(y))))),
    fromOutput('Reciprocal', (dy, y) => neg(mul(dy, square(y)))),
    fromOutput('Exp', (dy, y) => mul(dy, y)),
    fromOutput('Expm1', (dy, y) => mul(dy, add(y, 1))),
    fromInput('Log', (dy, x) => div(dy, x)),
    fromInput('Log1p', (dy, x) => div(dy, add(x, 1))),
    fromInput('Abs', (dy, x) => mul(dy, sign(x))),
    fromInput('Erf', (dy, x) => mul(dy, mul(TWO_OVER_SQRT_PI, exp(neg(square(x)))))),
    fromInput('Sin', (dy, x) => mul(dy, cos(x))),
    fromInput('Cos', (dy, x) => neg(mul(dy, sin(x)))),
    fromInput('Tan', (dy, x) => div(dy, square(cos(x)))),
    fromInput('Sinh', (dy, x) => mul(dy, cosh(x))),
    fromInput('Cosh', (dy, x) => mul(dy, sinh(x))),
    fromInput('Asin', (dy, x) => div(dy, sqrt(sub(1, square(x))))),
    fromInput('Acos', (dy, x) => neg(div(dy, sqrt(sub(1, square(x)))))),
    fromInput('Atan', (dy, x) => div(dy, add(1, square(x)))),
    fromInput('Asinh', (dy, x) => div(dy, sqrt(add(square(x), 1)))),
    fromInput('Acosh', (dy, x) => div(dy, sqrt(sub(square(x), 1)))),
    fromInput('Atanh', (dy, x) => div(dy, sub(1, square(x)))),
    {
      kernelName: 'ClipByValue',
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs) => {
        const { clipValueMin, clipValueMax } = attrsOf<{ clipValueMin: number; clipValueMax: number }>(attrs);
        const g = dy as Tensor;
        // 1 on [min, max]: 1 − step(min − x) − step(x − max), element-wise kernels only (wasm's
        // comparisons, logicalAnd and Select are each ~20× slower than a Multiply).
        return { x: () => mul(g, sub(sub(1, step(sub(clipValueMin, x!))), step(sub(x!, clipValueMax)))) };
      },
    },
    { kernelName: 'Cast', gradFunc: (dy) => ({ x: () => clone(dy as Tensor) }) },
    { kernelName: 'Identity', gradFunc: (dy) => ({ x: () => clone(dy as Tensor) }) },
    ...['Floor', 'Ceil', 'Round', 'Sign', 'Step', 'IsNan', 'IsInf', 'IsFinite', 'LogicalNot', 'ZerosLike', 'OnesLike', 'ArgMax', 'ArgMin'].map(
      (k) => zero(k, ['x']),
    ),
    ...['Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual', 'LogicalAnd', 'LogicalOr'].map((k) => zero(k, ['a', 'b'])),
    zero('OneHot', ['indices']),
  ];
}
