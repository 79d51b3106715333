import { add, customGrad, type GradSaveFunc, matMul, reshape, sum, type Tensor, tidy, transpose } from '@tensorflow/tfjs-core';
import { ShapeError } from '../../errors/errors.js';

/**
 * `y = x·Wᵀ + b`, like `torch.nn.functional.linear`. The forward and the gradients use plain
 * (untransposed) matrix products with explicit transposes: tfjs-backend-wasm 4.22's `MatMul`
 * with `transposeB` is ~15× slower, and its fused bias add is wrong for more than one row.
 *
 * @param x `[*, in]`
 * @param weight `[out, in]`
 * @param bias `[out]` or `null`
 * @returns `[*, out]`
 * @example
 * ```ts
 * linear(x, w, b); // x: [B, 4], w: [3, 4], b: [3] -> [B, 3]
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const inF = weight.shape[1]!;
  const outF = weight.shape[0]!;
  if (weight.rank !== 2 || x.rank < 1 || x.shape[x.rank - 1] !== inF) {
    throw new ShapeError('linear', `x [*, ${inF}] and weight [out, in]`, `x [${x.shape.join(', ')}] and weight [${weight.shape.join(', ')}]`, 'inputs');
  }
  if (bias !== null && (bias.rank !== 1 || bias.shape[0] !== outF)) {
    throw new ShapeError('linear', `[${outF}]`, bias.shape, 'bias');
  }
  const lead = x.shape.slice(0, -1);
  return tidy(() => {
    const x2 = x.rank === 2 ? x : reshape(x, [-1, inF]);
    const run = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
      const [a, w] = args as [Tensor, Tensor];
      const save = args[args.length - 1] as GradSaveFunc;
      save([a, w]);
      const xw = matMul(a, transpose(w));
      return {
        value: bias === null ? xw : add(xw, args[2] as Tensor),
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const [sa, sw] = saved as [Tensor, Tensor];
          const grads = [matMul(dy, sw), matMul(transpose(dy), sa)];
          if (bias !== null) grads.push(sum(dy, 0));
          return grads;
        },
      };
    });
    const y = bias === null ? run(x2, weight) : run(x2, weight, bias);
    return x.rank === 2 ? y : reshape(y, [...lead, outF]);
  });
}
