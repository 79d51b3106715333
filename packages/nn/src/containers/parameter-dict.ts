import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { ArgumentError, NotSupportedError } from '@nnkit/tensor';

/**
 * Holds named parameters, like `torch.nn.ParameterDict`: registered under their names (state
 * dict keys `gains.alpha`), in insertion order (a plain record is inserted in sorted key order,
 * as PyTorch does). Has no `forward`.
 *
 * @example
 * ```ts
 * const gains = new ParameterDict({ alpha: new Parameter(ones([4])) });
 * gains.set('beta', new Parameter(zeros([4])));
 * gains.get('alpha').shape; // [4]
 * [...gains.keys()];        // ['alpha', 'beta']
 * ```
 */
export class ParameterDict extends Module implements Iterable<[string, Parameter]> {
  private readonly items = new Map<string, Parameter>();

  constructor(params: Record<string, Parameter> | Iterable<[string, Parameter]> = {}) {
    super();
    this.update(params);
  }

  /**
   * Adds or replaces parameters. Like PyTorch, a plain record is added in sorted key order
   * (`new ParameterDict({ b, a })` has keys `a`, `b`); ordered entries (an iterable of
   * `[key, parameter]`, PyTorch's `OrderedDict`) keep their order. Returns `this`.
   */
  update(params: Record<string, Parameter> | Iterable<[string, Parameter]>): this {
    const entries = Symbol.iterator in params ? params : Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [k, p] of entries as Iterable<[string, Parameter]>) this.set(k, p);
    return this;
  }

  /** Number of parameters. */
  get size(): number {
    return this.items.size;
  }

  /** The parameter under `key`; throws naming the available keys when absent. */
  get(key: string): Parameter {
    const p = this.items.get(key);
    if (!p) throw new ArgumentError(this.path(), `no parameter '${key}' (has: ${[...this.items.keys()].join(', ') || 'none'})`);
    return p;
  }

  /** Adds or replaces (keeping the position) the parameter under `key`; returns `this`. */
  set(key: string, param: Parameter): this {
    if (!(param instanceof Parameter)) throw new ArgumentError(this.path(), `ParameterDict accepts only Parameters ('${key}')`);
    this.registerParameter(key, param);
    this.items.set(key, param);
    return this;
  }

  /** Whether a parameter is registered under `key`. */
  has(key: string): boolean {
    return this.items.has(key);
  }

  /** Removes and returns the parameter under `key` (not disposed). */
  delete(key: string): Parameter {
    const p = this.get(key);
    this.removeParameter(key);
    this.items.delete(key);
    return p;
  }

  /** The keys in insertion order. */
  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  /** The parameters in insertion order. */
  values(): IterableIterator<Parameter> {
    return this.items.values();
  }

  /** `[key, parameter]` pairs in insertion order. */
  entries(): IterableIterator<[string, Parameter]> {
    return this.items.entries();
  }

  /** `[key, parameter]` pairs in insertion order. */
  [Symbol.iterator](): Iterator<[string, Parameter]> {
    return this.items.entries();
  }

  /** A ParameterDict is a container: calling it is an error. */
  forward(): never {
    throw new NotSupportedError(this.path(), 'ParameterDict has no forward');
  }
}
