import { Module } from '../module.js';
import { normIndex } from './util.js';
import { ArgumentError, NotSupportedError } from '@nnkit/tensor';

/**
 * Holds child modules in a list, like `torch.nn.ModuleList`: they are registered (keys `0`,
 * `1`, … in the state dict, e.g. `blocks.1.weight`) but not called; the owner's `forward`
 * decides how. Has no `forward` of its own.
 *
 * @example
 * ```ts
 * class Net extends Module {
 *   blocks = this.registerModule('blocks', new ModuleList([new Linear(8, 8), new Linear(8, 8)]));
 *   forward(x: Tensor): Tensor { for (const b of this.blocks) x = b.call(x); return x; } // b: Linear
 * }
 * ```
 */
export class ModuleList<M extends Module = Module> extends Module implements Iterable<M> {
  private items: M[] = [];

  /** @param modules the initial modules, keyed `0`, `1`, … (their type `M` is kept for `at` and iteration). */
  constructor(modules: Iterable<M> = []) {
    super();
    this.extend(modules);
  }

  /** Number of modules. */
  get length(): number {
    return this.items.length;
  }

  /** The `i`-th module (negative counts from the end). */
  at(i: number): M {
    return this.items[normIndex(this.path(), i, this.items.length)]!;
  }

  /** Replaces the `i`-th module. */
  set(i: number, module: M): this {
    const j = normIndex(this.path(), i, this.items.length);
    this.checkModule(module);
    this.removeModule(String(j));
    this.items[j] = module;
    this.renumber();
    return this;
  }

  /** The modules in order. */
  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }

  /** Adds `module` at the end; returns `this`. */
  append(module: M): this {
    this.checkModule(module);
    this.items.push(module);
    this.registerModule(String(this.items.length - 1), module);
    return this;
  }

  /** Appends every module of `modules`; returns `this`. */
  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /**
   * Inserts `module` before position `index` (negative counts from the end; clamped like
   * Python's `list.insert`); later modules are renumbered, as in PyTorch.
   */
  insert(index: number, module: M): this {
    this.checkModule(module);
    const n = this.items.length;
    const j = Math.max(0, Math.min(n, index < 0 ? index + n : index));
    this.items.splice(j, 0, module);
    this.renumber();
    return this;
  }

  /** Removes and returns the `i`-th module (default the last); later modules are renumbered. */
  pop(i = -1): M {
    const j = normIndex(this.path(), i, this.items.length);
    const [m] = this.items.splice(j, 1);
    this.renumber();
    return m!;
  }

  /**
   * Modules `start` (inclusive) to `end` (exclusive) as a new ModuleList sharing them, keyed
   * `0`, `1`, … (PyTorch's `list[1:3]`). Negative bounds count from the end.
   */
  slice(start = 0, end?: number): ModuleList<M> {
    return new ModuleList<M>(this.items.slice(start, end));
  }

  /** A ModuleList is a container: calling it is an error (as in PyTorch). */
  forward(): never {
    throw new NotSupportedError(this.path(), `ModuleList has no forward; call its modules from the owner's forward`);
  }

  private checkModule(m: unknown): void {
    if (!(m instanceof Module)) throw new ArgumentError(this.path(), 'ModuleList accepts only Modules');
  }

  private renumber(): void {
    for (const [k] of [...this.namedChildren()]) this.removeModule(k);
    this.items.forEach((m, i) => this.registerModule(String(i), m));
  }
}
