import { Tensor } from '@tensorflow/tfjs-core';
import { Module } from '../module.js';
import { callModule, normIndex } from './util.js';
import { BatchNorm2d } from '../layers/basic/batch-norm.js';
import { ReLU } from '../layers/basic/activations.js';
import { Conv2d } from '../layers/conv/conv.js';
import { foldedConvBn, type FoldedConvFilter } from '../layers/conv/conv-bn-fold.js';
import { WeightCache } from '../weight-cache.js';
import { ArgumentError } from '@nnkit/tensor';

/**
 * A chain of modules, like `torch.nn.Sequential`: `call(x)` feeds `x` through each child in
 * order. Built from modules (keys `0`, `1`, …, so the state dict reads `0.weight`, `2.bias`) or
 * from a record / ordered `[name, module]` entries (PyTorch's `OrderedDict`, keys = names).
 * Shapes are whatever the children accept: `x: [B, ...]` → `[B, ...]`.
 *
 * @example
 * ```ts
 * const net = new Sequential(new Linear(4, 6), new Sigmoid(), new Linear(6, 3));
 * Object.keys(net.stateDict()); // ['0.weight', '0.bias', '2.weight', '2.bias']
 * const y = net.call(x);       // x: [B, 4] → y: [B, 3]
 * const named = new Sequential({ fc1: new Linear(4, 6), act: new Sigmoid() });
 * named.at(-1);                // the Sigmoid
 * ```
 */
export class Sequential extends Module implements Iterable<Module> {
  /**
   * @param modules the children in order (keys `0`, `1`, …), or a single record / `Map` /
   *   array of `[name, module]` entries for named children (a record lists integer-like keys
   *   first, as JS objects do: use entries or a `Map` when the order matters).
   */
  constructor(...modules: Module[] | [Record<string, Module>] | [Array<[string, Module]>] | [Map<string, Module>]) {
    super();
    const first = modules[0] as unknown;
    if (modules.length === 1 && (Array.isArray(first) || first instanceof Map)) {
      for (const entry of first as Iterable<unknown>) {
        if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || !(entry[1] instanceof Module)) {
          throw new ArgumentError('Sequential', 'entries must be [name, Module] pairs');
        }
        this.registerModule(entry[0], entry[1] as Module);
      }
    } else if (modules.length === 1 && !(first instanceof Module) && typeof first === 'object' && first !== null) {
      for (const [k, m] of Object.entries(first as Record<string, unknown>)) {
        if (!(m instanceof Module)) throw new ArgumentError('Sequential', `'${k}' is not a Module`);
        this.registerModule(k, m);
      }
    } else {
      (modules as unknown[]).forEach((m, i) => {
        if (!(m instanceof Module)) throw new ArgumentError('Sequential', `argument ${i} is not a Module`);
        this.registerModule(String(i), m);
      });
    }
  }

  /** Number of children. */
  get length(): number {
    return [...this.namedChildren()].length;
  }

  /** The `i`-th child (negative counts from the end, like `seq[-1]`). */
  at(i: number): Module {
    const kids = [...this.children()];
    return kids[normIndex(this.path(), i, kids.length)]!;
  }

  /** The children in order. */
  [Symbol.iterator](): Iterator<Module> {
    return this.children();
  }

  /** Adds `module` at the end under the key `String(length)`; returns `this`. */
  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  /** Appends every module of `modules` (PyTorch's `extend`); returns `this`. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /**
   * Inserts `module` before position `index` (`-length ≤ index ≤ length`, negative counts from
   * the end); the children are then keyed `0`, `1`, … in order, as PyTorch's `insert` does for
   * numbered children (named children are renumbered too).
   */
  insert(index: number, module: Module): this {
    const kids = [...this.children()];
    if (!Number.isInteger(index) || index < -kids.length || index > kids.length) {
      throw new ArgumentError(this.path(), `insert index ${index} is out of range (length ${kids.length})`);
    }
    kids.splice(index < 0 ? index + kids.length : index, 0, module);
    this.renumber(kids);
    return this;
  }

  /**
   * Removes and returns the `i`-th child (negative counts from the end); the remaining children
   * are renumbered `0`, `1`, …, as PyTorch's `pop` / `del seq[i]` do.
   */
  pop(i: number): Module {
    const kids = [...this.children()];
    const [m] = kids.splice(normIndex(this.path(), i, kids.length), 1);
    this.renumber(kids);
    return m!;
  }

  private renumber(kids: Module[]): void {
    for (const [k] of [...this.namedChildren()]) this.removeModule(k);
    kids.forEach((m, j) => this.registerModule(String(j), m));
  }

  /**
   * Children `start` (inclusive) to `end` (exclusive), as a new Sequential that shares the
   * modules and keeps their keys (PyTorch's `seq[1:3]`). Negative bounds count from the end.
   */
  slice(start = 0, end?: number): Sequential {
    return new Sequential([...this.namedChildren()].slice(start, end));
  }

  /** Feeds `input` through each child in order. `input: [B, ...]` → output of the last child. */
  /**
   * Feeds `input` through the children in order. In eval mode without a gradient tape, a
   * `Conv2d` followed by a `BatchNorm2d` (and a `ReLU`) runs as one convolution
   * ({@link foldedConvBn}: the batch norm folded into the weight, kept between calls).
   */
  forward(input: Tensor): Tensor {
    let x: unknown = input;
    const kids = [...this.children()];
    for (let i = 0; i < kids.length; i++) {
      const [m, next, after] = [kids[i]!, kids[i + 1], kids[i + 2]];
      if (m instanceof Conv2d && next instanceof BatchNorm2d && x instanceof Tensor && !this.training) {
        const relu = after instanceof ReLU && after.constructor === ReLU && !after.hasHooks();
        let cache = this.folds.get(i);
        if (cache === undefined) this.folds.set(i, (cache = new WeightCache()));
        const y = foldedConvBn(m, next, x, cache, relu ? 'relu' : undefined);
        if (y !== null) {
          x = y;
          i += relu ? 2 : 1;
          continue;
        }
      }
      x = callModule(m, x);
    }
    return x as Tensor;
  }

  /** Folded eval-mode convolutions by the index of their `Conv2d` (see `forward`). */
  private readonly folds = new Map<number, WeightCache<FoldedConvFilter>>();

  protected override clearWeightCache(): void {
    for (const c of this.folds.values()) c.clear();
    this.folds.clear();
  }
}
