import {
  add,
  clipByValue,
  exp,
  greater,
  mul,
  sigmoid,
  square,
  step,
  sub,
  sum,
  where,
  zerosLike,
  type GradConfig,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { attrsOf, sumToShape } from './util.js';

const SELU_SCALE = 1.0507009873554805; // PyTorch: 1.0507009873554804934193349852946
const SELU_ALPHA = 1.6732632423543772; // PyTorch: 1.6732632423543772848170429916717

/** `dy` where `mask`, else `other` (default 0). */
function pass(mask: Tensor, dy: Tensor, other?: Tensor): Tensor {
  return where(mask, dy, other ?? zerosLike(dy));
}

/**
 * Gradients of the activation kernels: `Relu` (0 at 0), `Relu6` (passes on 0 < x < 6, as PyTorch),
 * `Elu`, `LeakyRelu`, `Prelu` (alpha summed back to its shape), `Selu`, `Sigmoid`,
 * `Softplus`, `Tanh`, `Softmax` and `LogSoftmax` (along their `dim`/`axis` attribute).
 */
export function activationGradients(): GradConfig[] {
  return [
    {
      kernelName: 'Relu',
      inputsToSave: ['x'],
      // step(x) = 1 where x > 0, else 0: wasm's Step is ~25× faster than Greater (and its cast).
      gradFunc: (dy, [x]) => ({ x: () => mul(dy as Tensor, step(x!)) }),
    },
    {
      kernelName: 'Relu6',
      inputsToSave: ['x'],
      // 1 on 0 < x < 6 (PyTorch's relu6, i.e. hardtanh(0, 6): 0 at both ends):
      // step(x) + step(6 − x) − 1, element-wise kernels only (see Relu).
      gradFunc: (dy, [x]) => ({ x: () => mul(dy as Tensor, sub(add(step(x!), step(sub(6, x!))), 1)) }),
    },
    {
      kernelName: 'Elu',
      outputsToSave: [true],
      // y > 0 exactly where x > 0; below, dy/dx = exp(x) = y + 1 (y > -1): so dy·(clip(y, -2, 0) + 1),
      // three fast element-wise passes (wasm's Greater and Select are far slower: Greater ~20× a Multiply).
      // Not PyTorch's at a NaN input (PyTorch: dy; here NaN on cpu, −dy on wasm, whose clamp maps NaN
      // to the lower bound): a NaN activation makes every loss built on it NaN, so dy is NaN there
      // anyway; a NaN-exact gradient would cost two more passes over every ELU's output.
      gradFunc: (dy, [y]) => ({ x: () => mul(dy as Tensor, add(clipByValue(y!, -2, 0), 1)) }),
    },
    {
      kernelName: 'LeakyRelu',
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs) => {
        const { alpha } = attrsOf<{ alpha: number }>(attrs);
        return { x: () => mul(dy as Tensor, step(x!, alpha)) }; // 1 where x > 0, else alpha
      },
    },
    {
      kernelName: 'Prelu',
      inputsToSave: ['x', 'alpha'],
      gradFunc: (dy, saved) => {
        const [x, alpha] = saved as [Tensor, Tensor];
        const g = dy as Tensor;
        const pos = greater(x, 0);
        return {
          x: () => pass(pos, g, mul(g, alpha)),
          alpha: () => sumToShape(where(pos, zerosLike(g), mul(g, x)), alpha.shape),
        };
      },
    },
    {
      kernelName: 'Selu',
      inputsToSave: ['x'],
      gradFunc: (dy, [x]) => {
        const g = dy as Tensor;
        return { x: () => where(greater(x!, 0), mul(g, SELU_SCALE), mul(g, mul(SELU_SCALE * SELU_ALPHA, exp(x!)))) };
      },
    },
    {
      kernelName: 'Sigmoid',
      outputsToSave: [true],
      gradFunc: (dy, [y]) => ({ x: () => mul(dy as Tensor, mul(y!, sub(1, y!))) }),
    },
    {
      kernelName: 'Softplus',
      inputsToSave: ['x'],
      gradFunc: (dy, [x]) => ({ x: () => mul(dy as Tensor, sigmoid(x!)) }),
    },
    {
      kernelName: 'Tanh',
      outputsToSave: [true],
      gradFunc: (dy, [y]) => ({ x: () => mul(dy as Tensor, sub(1, square(y!))) }),
    },
    {
      kernelName: 'Softmax',
      outputsToSave: [true],
      gradFunc: (dy, [y], attrs) => {
        const { dim } = attrsOf<{ dim: number }>(attrs);
        const g = dy as Tensor;
        return { logits: () => mul(y!, sub(g, sum(mul(g, y!), dim, true))) };
      },
    },
    {
      kernelName: 'LogSoftmax',
      outputsToSave: [true],
      gradFunc: (dy, [y], attrs) => {
        const { axis } = attrsOf<{ axis: number }>(attrs);
        const g = dy as Tensor;
        return { logits: () => sub(g, mul(exp(y!), sum(g, axis, true))) };
      },
    },
  ];
}
