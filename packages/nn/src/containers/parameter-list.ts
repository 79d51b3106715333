import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { normIndex } from './util.js';
import { ArgumentError, NotSupportedError } from '@nnkit/tensor';

/**
 * Holds parameters in a list, like `torch.nn.ParameterList`: registered under `0`, `1`, …
 * (state dict keys `scales.0`, `scales.1`). Has no `forward`.
 *
 * @example
 * ```ts
 * const scales = new ParameterList([new Parameter(ones([8])), new Parameter(zeros([8]))]);
 * scales.at(-1).shape;     // [8]
 * Object.keys(scales.stateDict()); // ['0', '1']
 * ```
 */
export class ParameterList extends Module implements Iterable<Parameter> {
  private items: Parameter[] = [];

  constructor(params: Iterable<Parameter> = []) {
    super();
    this.extend(params);
  }

  /** Number of parameters. */
  get length(): number {
    return this.items.length;
  }

  /** The `i`-th parameter (negative counts from the end). */
  at(i: number): Parameter {
    return this.items[normIndex(this.path(), i, this.items.length)]!;
  }

  /** Replaces the `i`-th parameter (the old one is not disposed); returns `this`. */
  set(i: number, param: Parameter): this {
    const j = normIndex(this.path(), i, this.items.length);
    this.check(param);
    this.items[j] = param;
    this.registerParameter(String(j), param);
    return this;
  }

  /** The parameters in order. */
  [Symbol.iterator](): Iterator<Parameter> {
    return this.items[Symbol.iterator]();
  }

  /** Adds `param` at the end; returns `this`. */
  append(param: Parameter): this {
    this.check(param);
    this.items.push(param);
    this.registerParameter(String(this.items.length - 1), param);
    return this;
  }

  /** Appends every parameter of `params`; returns `this`. */
  extend(params: Iterable<Parameter>): this {
    for (const p of params) this.append(p);
    return this;
  }

  /** A ParameterList is a container: calling it is an error. */
  forward(): never {
    throw new NotSupportedError(this.path(), 'ParameterList has no forward');
  }

  private check(p: unknown): void {
    if (!(p instanceof Parameter)) throw new ArgumentError(this.path(), 'ParameterList accepts only Parameters');
  }
}
