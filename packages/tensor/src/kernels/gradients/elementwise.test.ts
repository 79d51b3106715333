import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendName } from '../../backend.js';
import { away, checkCase, normal, uniform, type GradCase } from './__fixtures__/cases.js';

const pos = (s: number[]): tf.Tensor => uniform(s, 0.5, 2);
const small = (s: number[]): tf.Tensor => uniform(s, -0.8, 0.8);

const binaryCases: GradCase[] = [
  { name: 'Add (broadcast [2,3]+[3])', fn: (a, b) => tf.add(a!, b!), inputs: () => [normal([2, 3]), normal([3])] },
  { name: 'Add (broadcast [2,1,3]+[4,1])', fn: (a, b) => tf.add(a!, b!), inputs: () => [normal([2, 1, 3]), normal([4, 1])] },
  { name: 'AddN', fn: (a, b, c) => tf.addN([a!, b!, c!]), inputs: () => [normal([2, 3]), normal([2, 3]), normal([2, 3])] },
  { name: 'Sub ([2,3]-[2,1])', fn: (a, b) => tf.sub(a!, b!), inputs: () => [normal([2, 3]), normal([2, 1])] },
  { name: 'Multiply ([3,1]*[1,4])', fn: (a, b) => tf.mul(a!, b!), inputs: () => [normal([3, 1]), normal([1, 4])] },
  { name: 'Multiply (scalar)', fn: (a, b) => tf.mul(a!, b!), inputs: () => [normal([2, 3]), normal([])] },
  { name: 'RealDiv ([2,3]/[3])', fn: (a, b) => tf.div(a!, b!), inputs: () => [normal([2, 3]), pos([3])] },
  { name: 'RealDiv (negative b)', fn: (a, b) => tf.div(a!, b!), inputs: () => [uniform([2, 3], 0.2, 0.8), uniform([3], -1.8, -1.2)] },
  { name: 'Mod (positive)', fn: (a, b) => tf.mod(a!, b!), inputs: () => [uniform([2, 3], 0.2, 0.8), uniform([3], 1.2, 1.8)] },
  { name: 'Mod (negative a)', fn: (a, b) => tf.mod(a!, b!), inputs: () => [uniform([2, 3], -0.8, -0.2), uniform([2, 3], 1.2, 1.8)] },
  { name: 'SquaredDifference', fn: (a, b) => tf.squaredDifference(a!, b!), inputs: () => [normal([2, 3]), normal([3])] },
  { name: 'Maximum', fn: (a, b) => tf.maximum(a!, b!), inputs: () => [normal([2, 3]), normal([3])] },
  { name: 'Minimum', fn: (a, b) => tf.minimum(a!, b!), inputs: () => [normal([2, 3]), normal([2, 1])] },
  { name: 'Atan2', fn: (a, b) => tf.atan2(a!, b!), inputs: () => [normal([2, 3]), away([3])] },
  { name: 'Pow', fn: (a, b) => tf.pow(a!, b!), inputs: () => [pos([2, 3]), normal([3])] },
  { name: 'Pow (b = 0 at a = 0)', fn: (b) => tf.pow(tf.zeros([3]), b!), inputs: () => [uniform([3], 0.5, 1)], opts: { eps: 1e-3 } },
  { name: 'Neg', fn: (a) => tf.neg(a!), inputs: () => [normal([2, 3])] },
  { name: 'Square', fn: (a) => tf.square(a!), inputs: () => [normal([2, 3])] },
  { name: 'Greater/Select (zero cond grad)', fn: (a, b) => tf.where(tf.greater(a!, b!), a!, b!), inputs: () => [normal([2, 3]), normal([2, 3])] },
  { name: 'Equal/LessEqual/LogicalAnd (zero)', fn: (a, b) => tf.mul(tf.cast(tf.logicalAnd(tf.lessEqual(a!, b!), tf.notEqual(a!, b!)), 'float32'), a!), inputs: () => [normal([4]), normal([4])] },
];

const unaryCases: GradCase[] = [
  ['Sqrt', tf.sqrt, pos],
  ['Rsqrt', tf.rsqrt, pos],
  ['Reciprocal', tf.reciprocal, pos],
  ['Exp', tf.exp, normal],
  ['Expm1', tf.expm1, normal],
  ['Log', tf.log, pos],
  ['Log1p', tf.log1p, pos],
  ['Abs', tf.abs, away],
  ['Erf', tf.erf, normal],
  ['Sin', tf.sin, normal],
  ['Cos', tf.cos, normal],
  ['Tan', tf.tan, small],
  ['Sinh', tf.sinh, normal],
  ['Cosh', tf.cosh, normal],
  ['Asin', tf.asin, small],
  ['Acos', tf.acos, small],
  ['Atan', tf.atan, normal],
  ['Asinh', tf.asinh, normal],
  ['Acosh', tf.acosh, (s: number[]) => uniform(s, 1.3, 3)],
  ['Atanh', tf.atanh, small],
  ['ClipByValue', (x: tf.Tensor) => tf.clipByValue(x, -0.5, 0.5), (s: number[]) => tf.tidy(() => tf.mul(away(s), 0.25))],
  ['ClipByValue (outside)', (x: tf.Tensor) => tf.clipByValue(x, -0.5, 0.5), (s: number[]) => uniform(s, 0.6, 2)],
  ['Cast', (x: tf.Tensor) => tf.cast(x, 'float32'), normal],
  ['Identity', (x: tf.Tensor) => tf.clone(x), normal],
  ['Floor/Ceil/Round/Sign (zero)', (x: tf.Tensor) => tf.mul(tf.add(tf.add(tf.floor(x), tf.ceil(x)), tf.add(tf.round(x), tf.sign(x))), x), (s: number[]) => uniform(s, 0.1, 0.4)],
  ['Relu', tf.relu, away],
  ['Relu6', tf.relu6, (s: number[]) => uniform(s, -2, 5.8)],
  ['Elu', tf.elu, away],
  ['LeakyRelu', (x: tf.Tensor) => tf.leakyRelu(x, 0.1), away],
  ['Selu', tf.selu, away],
  ['Sigmoid', tf.sigmoid, normal],
  ['Softplus', tf.softplus, normal],
  ['Tanh', tf.tanh, normal],
  ['Softmax', (x: tf.Tensor) => tf.softmax(x), normal],
  ['LogSoftmax (op)', (x: tf.Tensor) => tf.logSoftmax(x), normal],
].map(([name, f, make]) => ({
  name: name as string,
  fn: (x) => (f as (t: tf.Tensor) => tf.Tensor)(x!),
  inputs: () => [(make as (s: number[]) => tf.Tensor)([2, 5])],
}));

const moreActivations: GradCase[] = [
  { name: 'Prelu (alpha [3])', fn: (x, a) => tf.prelu(x!, a!), inputs: () => [away([2, 4, 3]), uniform([3], 0.1, 0.3)] },
  { name: 'Softmax (rank 3)', fn: (x) => tf.softmax(x!), inputs: () => [normal([2, 3, 4])] },
];

describe.each(['wasm', 'cpu'] as BackendName[])('elementwise gradients vs finite differences (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });
  it.each([...binaryCases, ...unaryCases, ...moreActivations].map((c) => [c.name, c] as const))('%s', (_n, c) => checkCase(c));
});

// At the kinks, where finite differences say nothing: PyTorch 1.13's gradients of
// relu, relu6 (hardtanh(0, 6)), leaky_relu(0.1) and clamp(0, 6) at x = [-1, 0, 3, 6, 7].
const KINK_X = [-1, 0, 3, 6, 7];
const kinkCases: [string, (x: tf.Tensor) => tf.Tensor, number[]][] = [
  ['Relu', tf.relu, [0, 0, 1, 1, 1]],
  ['Relu6', tf.relu6, [0, 0, 1, 0, 0]],
  ['LeakyRelu', (x) => tf.leakyRelu(x, 0.1), [0.1, 0.1, 1, 1, 1]],
  ['ClipByValue', (x) => tf.clipByValue(x, 0, 6), [0, 1, 1, 1, 0]],
];
describe.each(['wasm', 'cpu'] as BackendName[])('activation gradients at their kinks equal PyTorch 1.13 (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });
  it.each(kinkCases)('%s', (_n, f, want) => {
    tf.tidy(() => {
      const g = tf.grad((x: tf.Tensor) => tf.sum(f(x)))(tf.tensor1d(KINK_X));
      const got = Array.from(g.dataSync());
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    });
  });
});
