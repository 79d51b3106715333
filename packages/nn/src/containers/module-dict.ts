import { Module } from '../module.js';
import { ArgumentError, NotSupportedError } from '@nnkit/tensor';

/**
 * Holds named child modules, like `torch.nn.ModuleDict`: registered under their names (state
 * dict keys `heads.left.weight`), in insertion order, not called. Has no `forward` of its own.
 *
 * @example
 * ```ts
 * const heads = new ModuleDict({ cls: new Linear(16, 4), reg: new Linear(16, 1) });
 * heads.get('cls');            // the Linear(16, 4)
 * heads.set('aux', new Linear(16, 2));
 * [...heads.keys()];           // ['cls', 'reg', 'aux']
 * ```
 */
export class ModuleDict<M extends Module = Module> extends Module implements Iterable<[string, M]> {
  /** @param modules the initial modules, from a record or ordered `[key, module]` entries. */
  constructor(modules: Record<string, M> | Iterable<[string, M]> = {}) {
    super();
    this.update(modules);
  }

  /** Adds or replaces modules from a record or ordered `[key, module]` entries, in order; returns `this`. */
  update(modules: Record<string, M> | Iterable<[string, M]>): this {
    const entries = Symbol.iterator in modules ? modules : Object.entries(modules);
    for (const [k, m] of entries as Iterable<[string, M]>) this.set(k, m);
    return this;
  }

  /** Number of modules. */
  get size(): number {
    return [...this.namedChildren()].length;
  }

  /** The module under `key`; throws naming the available keys when absent. */
  get(key: string): M {
    const m = this.getChild(key) as M | null | undefined;
    if (!m) throw new ArgumentError(this.path(), `no module '${key}' (has: ${[...this.keys()].join(', ') || 'none'})`);
    return m;
  }

  /** Adds or replaces the module under `key` (replacing keeps the position); returns `this`. */
  set(key: string, module: M): this {
    if (!(module instanceof Module)) throw new ArgumentError(this.path(), `ModuleDict accepts only Modules ('${key}')`);
    if (this.getChild(key) !== undefined) {
      // Replace in place: re-register every key after it so the order is kept.
      const entries = [...this.namedChildren()].map(([k, m]): [string, Module] => [k, k === key ? module : m]);
      for (const [k] of entries) this.removeModule(k);
      for (const [k, m] of entries) this.registerModule(k, m);
    } else {
      this.registerModule(key, module);
    }
    return this;
  }

  /** Whether a module is registered under `key`. */
  has(key: string): boolean {
    return this.getChild(key) != null;
  }

  /** Removes and returns the module under `key`. */
  delete(key: string): M {
    const m = this.get(key);
    this.removeModule(key);
    return m;
  }

  /** The keys in insertion order. */
  *keys(): Generator<string> {
    for (const [k] of this.namedChildren()) yield k;
  }

  /** The modules in insertion order. */
  *values(): Generator<M> {
    yield* this.children() as Generator<M>;
  }

  /** `[key, module]` pairs in insertion order. */
  *entries(): Generator<[string, M]> {
    yield* this.namedChildren() as Generator<[string, M]>;
  }

  /** `[key, module]` pairs in insertion order. */
  [Symbol.iterator](): Iterator<[string, M]> {
    return this.namedChildren() as Generator<[string, M]>;
  }

  /** A ModuleDict is a container: calling it is an error (as in PyTorch). */
  forward(): never {
    throw new NotSupportedError(this.path(), `ModuleDict has no forward; call its modules from the owner's forward`);
  }
}
