import {
  add,
  cast,
  clone,
  div,
  equal,
  floor,
  greater,
  greaterEqual,
  less,
  lessEqual,
  log,
  mul,
  neg,
  pow,
  square,
  sub,
  where,
  zerosLike,
  type GradConfig,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { sumToShape } from './util.js';

/** A gradient config for a broadcasting binary kernel with inputs `a`, `b`. */
function binary(kernelName: string, da: (dy: Tensor, a: Tensor, b: Tensor) => Tensor, db: (dy: Tensor, a: Tensor, b: Tensor) => Tensor): GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as [Tensor, Tensor];
      const g = dy as Tensor;
      return { a: () => sumToShape(da(g, a, b), a.shape), b: () => sumToShape(db(g, a, b), b.shape) };
    },
  };
}

const f32 = (t: Tensor): Tensor => (t.dtype === 'float32' ? t : cast(t, 'float32'));

/**
 * Gradients of the arithmetic kernels: `Add`, `AddN`, `Sub`, `Multiply`, `RealDiv`, `FloorDiv`
 * (as tfjs: the division gradient, not zero), `Mod`, `Neg`, `Square`, `SquaredDifference`, `Pow`, `Maximum`,
 * `Minimum` (ties go to `a`, as in tfjs), `Atan2`. Binary gradients are summed over the
 * broadcast axes back to each input's shape.
 */
export function arithmeticGradients(): GradConfig[] {
  return [
    binary('Add', (dy) => dy, (dy) => dy),
    binary('Sub', (dy) => dy, (dy) => neg(dy)),
    binary('Multiply', (dy, _a, b) => mul(dy, f32(b)), (dy, a) => mul(dy, f32(a))),
    binary('RealDiv', (dy, _a, b) => div(dy, f32(b)), (dy, a, b) => neg(div(mul(dy, f32(a)), square(f32(b))))),
    // tfjs's own FloorDiv gradient (what `div` of two int32 tensors runs): the division gradient.
    binary('FloorDiv', (dy, _a, b) => div(dy, f32(b)), (dy, a, b) => neg(div(mul(dy, f32(a)), square(f32(b))))),
    // remainder(a, b) = a - floor(a / b) * b
    binary('Mod', (dy) => dy, (dy, a, b) => mul(dy, neg(floor(div(f32(a), f32(b)))))),
    binary('SquaredDifference', (dy, a, b) => mul(dy, mul(2, sub(f32(a), f32(b)))), (dy, a, b) => mul(dy, mul(2, sub(f32(b), f32(a))))),
    binary('Maximum', (dy, a, b) => mul(dy, cast(greaterEqual(a, b), 'float32')), (dy, a, b) => mul(dy, cast(less(a, b), 'float32'))),
    binary('Minimum', (dy, a, b) => mul(dy, cast(lessEqual(a, b), 'float32')), (dy, a, b) => mul(dy, cast(greater(a, b), 'float32'))),
    binary(
      'Atan2',
      (dy, a, b) => div(mul(dy, f32(b)), add(square(f32(a)), square(f32(b)))),
      (dy, a, b) => neg(div(mul(dy, f32(a)), add(square(f32(a)), square(f32(b))))),
    ),
    {
      kernelName: 'Pow',
      inputsToSave: ['a', 'b'],
      outputsToSave: [true],
      gradFunc: (dy, saved) => {
        const [a0, b0, y] = saved as [Tensor, Tensor, Tensor];
        const [a, b, g] = [f32(a0), f32(b0), dy as Tensor];
        return {
          // d/da a^b = b a^(b-1); 0 where b == 0 (PyTorch), which avoids 0 * inf at a = 0.
          a: () => sumToShape(where(equal(b, 0), zerosLike(g), mul(g, mul(b, pow(a, sub(b, 1))))), a.shape),
          // d/db a^b = a^b log a, taken as 0 where a <= 0.
          b: () => sumToShape(mul(g, where(greater(a, 0), mul(f32(y), log(a)), zerosLike(g))), b.shape),
        };
      },
    },
    {
      kernelName: 'AddN',
      saveAllInputs: true,
      gradFunc: (dy, saved) => Object.fromEntries(saved.map((_, i) => [String(i), () => clone(dy as Tensor)])),
    },
    { kernelName: 'Neg', gradFunc: (dy) => ({ x: () => neg(dy as Tensor) }) },
    {
      kernelName: 'Square',
      inputsToSave: ['x'],
      gradFunc: (dy, [x]) => ({ x: () => mul(dy as Tensor, mul(2, f32(x!))) }),
    },
  ];
}
