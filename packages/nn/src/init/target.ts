import { cast, type Tensor, tidy, type Variable } from '@tensorflow/tfjs-core';
import { Parameter } from '../parameter.js';

/** What the in-place initialisers accept: a module {@link Parameter} or a tfjs `Variable` (e.g. a buffer). */
export type InitTarget = Parameter | Variable;

/** Shape of an init target. @example `shapeOf(linear.weight) // [out, in]` */
export function shapeOf(t: InitTarget): number[] {
  return t instanceof Parameter ? t.shape : t.shape.slice();
}

/** Overwrites `t` in place with the tensor `make(shape)` returns (freed afterwards); returns `t`. @example `fill(p, (s) => zeros(s))` */
export function fill<T extends InitTarget>(t: T, make: (shape: number[]) => Tensor): T {
  const shape = shapeOf(t);
  tidy(() => {
    const v = make(shape);
    if (t instanceof Parameter) t.assign(v);
    else (t as Variable).assign(v.dtype === (t as Variable).dtype ? v : cast(v, (t as Variable).dtype));
  });
  return t;
}
