import { cast, type Tensor, type TensorContainer, type Variable, tidy, variable } from '@tensorflow/tfjs-core';
import { Parameter } from './parameter.js';
import { StateDictError } from './errors.js';
import type { LoadPthOptions } from './io/pth-read.js';
import { loadStateDictFromFile } from './io/state-dict-file.js';

/** Runs before `forward`; may return replacement inputs (an array) or `undefined` to keep them. */
export type ForwardPreHook = (module: Module, inputs: unknown[]) => unknown[] | undefined | void;
/** Runs after `forward`; may return a replacement output or `undefined` to keep it. */
export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown;

/** Returned by the `register*Hook` methods; `remove()` unregisters the hook. */
export interface RemovableHandle {
  remove(): void;
}

/** Options for {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /** Require exactly the module's keys (PyTorch's default). Default `true`. */
  strict?: boolean;
}

/** What {@link Module.loadStateDict} found: keys the module has but the dict lacks, and the reverse. */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Options for {@link Module.registerBuffer}. */
export interface BufferOptions {
  /** Part of `stateDict()` (PyTorch's `persistent`). Default `true`. */
  persistent?: boolean;
}

let hookId = 0;

/**
 * Base class of every layer and model, like `torch.nn.Module`. Subclasses register their
 * parameters, buffers and children (in order; the order gives `stateDict()` its key order)
 * and implement `forward`; callers use `call(...)`, which runs the hooks around `forward`
 * and frees the intermediate tensors that `forward` created (tfjs `tidy`).
 *
 * @example
 * ```ts
 * class Net extends Module {
 *   fc1 = this.registerModule('fc1', new Linear(4, 6));
 *   fc2 = this.registerModule('fc2', new Linear(6, 3));
 *   forward(x: Tensor): Tensor { return this.fc2.call(sigmoid(this.fc1.call(x))); }
 * }
 * const net = new Net();
 * net.stateDict(); // { 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias' }
 * ```
 */
export abstract class Module {
  /** Train mode (`true`, batch statistics and dropout) or eval mode (`false`). */
  training = true;
  private readonly _parameters = new Map<string, Parameter | null>();
  private readonly _buffers = new Map<string, Variable | null>();
  private readonly _nonPersistent = new Set<string>();
  private readonly _modules = new Map<string, Module | null>();
  private readonly _preHooks = new Map<number, ForwardPreHook>();
  private readonly _hooks = new Map<number, ForwardHook>();
  private _parent: Module | undefined;
  private _nameInParent: string | undefined;

  /** Computes the module's output; implemented by subclasses, called through {@link Module.call}. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- subclasses narrow it; a plain `Module` stays callable
  abstract forward(...inputs: any[]): any;

  /**
   * Runs pre-hooks, `forward`, then hooks. Tensors created inside `forward` and not
   * returned are disposed.
   */
  call(...inputs: Parameters<this['forward']>): ReturnType<this['forward']> {
    let args: unknown[] = inputs;
    for (const h of this._preHooks.values()) {
      const r = h(this, args);
      if (r !== undefined) args = Array.isArray(r) ? r : [r];
    }
    const fwd = this.forward as (...a: unknown[]) => unknown;
    let out: unknown = tidy(() => fwd.apply(this, args) as TensorContainer);
    for (const h of this._hooks.values()) {
      const r = h(this, args, out);
      if (r !== undefined) out = r;
    }
    return out as ReturnType<this['forward']>;
  }

  // ------------------------------------------------------------------ registration
  /** Adds (or replaces) a parameter under `name`; `null` registers an absent one (e.g. `bias=False`). */
  registerParameter<P extends Parameter | null>(name: string, param: P): P {
    this.checkName(name, '_parameters');
    this._parameters.set(name, param);
    return param;
  }

  /**
   * Adds a buffer (state that is not trained, e.g. batch-norm running statistics). The tensor
   * is copied into a non-trainable `Variable`, returned for in-place updates with `assign`.
   */
  registerBuffer(name: string, value: Tensor | null, opts: BufferOptions = {}): Variable {
    this.checkName(name, '_buffers');
    const v = value === null ? null : variable(value, false, `nnkit_buffer_${hookId++}`);
    if (value !== null) value.dispose();
    this._buffers.set(name, v);
    if (opts.persistent === false) this._nonPersistent.add(name);
    else this._nonPersistent.delete(name);
    return v as Variable;
  }

  /** Adds a child module under `name` (its keys become `name.*`). */
  registerModule<M extends Module | null>(name: string, module: M): M {
    this.checkName(name, '_modules');
    this._modules.set(name, module);
    if (module !== null && module._parent === undefined) {
      module._parent = this;
      module._nameInParent = name;
    }
    return module;
  }

  /**
   * Unregisters the child `name` (for containers that delete or reorder children) and returns
   * it; the child forgets this module as its parent. Undefined when there was none.
   */
  protected removeModule(name: string): Module | null | undefined {
    const m = this._modules.get(name);
    this._modules.delete(name);
    if (m && m._parent === this && m._nameInParent === name) {
      m._parent = undefined;
      m._nameInParent = undefined;
    }
    return m;
  }

  /** Unregisters the parameter `name` (not disposed) and returns it; undefined when there was none. */
  protected removeParameter(name: string): Parameter | null | undefined {
    const p = this._parameters.get(name);
    this._parameters.delete(name);
    return p;
  }

  private checkName(name: string, kind: '_parameters' | '_buffers' | '_modules'): void {
    if (name === '' || name.includes('.')) {
      throw new Error(`${this.path()}: invalid name '${name}' (must be non-empty and contain no '.')`);
    }
    for (const k of ['_parameters', '_buffers', '_modules'] as const) {
      if (k !== kind && this[k].has(name)) throw new Error(`${this.path()}: '${name}' is already registered in ${k}`);
    }
  }

  /** The registered parameter `name` of this module (not recursive), or undefined. */
  getParameter(name: string): Parameter | null | undefined {
    return this._parameters.get(name);
  }

  /** The registered buffer `name` of this module (not recursive), or undefined. */
  getBuffer(name: string): Variable | null | undefined {
    return this._buffers.get(name);
  }

  /** The registered child `name`, or undefined. */
  getChild(name: string): Module | null | undefined {
    return this._modules.get(name);
  }

  /** Replaces a registered buffer's value in place, or re-creates it when the shape changes. */
  setBuffer(name: string, value: Tensor): void {
    const old = this._buffers.get(name);
    if (old && old.shape.join() === value.shape.join() && old.dtype === value.dtype) {
      old.assign(value);
      return;
    }
    old?.dispose();
    this._buffers.set(name, variable(value.clone(), false, `nnkit_buffer_${hookId++}`));
  }

  // ------------------------------------------------------------------ traversal
  /** Dotted path of this module from the root it is registered in, e.g. `EEGTCNet.tcn.network.0`. */
  path(): string {
    const parts: string[] = [];
    let m: Module | undefined = this;
    while (m?._parent !== undefined && m._nameInParent !== undefined) {
      parts.unshift(m._nameInParent);
      m = m._parent;
    }
    const root = m?.constructor.name ?? 'Module';
    return parts.length ? `${root}.${parts.join('.')}` : root;
  }

  /** `[name, child]` for each direct child, in registration order. */
  *namedChildren(): Generator<[string, Module]> {
    for (const [n, m] of this._modules) if (m !== null) yield [n, m];
  }

  /** Direct children in registration order. */
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** This module (name `prefix`, '' at the root) and every descendant, depth-first, each once. */
  *namedModules(prefix = '', seen: Set<Module> = new Set()): Generator<[string, Module]> {
    if (seen.has(this)) return;
    seen.add(this);
    yield [prefix, this];
    for (const [n, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${n}` : n, seen);
  }

  /** This module and every descendant. */
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** `[dottedName, param]` for every parameter (each once), e.g. `['conv.weight', p]`. */
  *namedParameters(prefix = '', recurse = true): Generator<[string, Parameter]> {
    const seen = new Set<Parameter>();
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, m] of mods) {
      for (const [n, p] of m._parameters) {
        if (p === null || seen.has(p)) continue;
        seen.add(p);
        yield [mp ? `${mp}.${n}` : n, p];
      }
    }
  }

  /** Every parameter, each once; pass to an optimizer. */
  parameters(recurse = true): Parameter[] {
    return [...this.namedParameters('', recurse)].map(([, p]) => p);
  }

  /** `[dottedName, buffer]` for every buffer (persistent or not). */
  *namedBuffers(prefix = '', recurse = true): Generator<[string, Variable]> {
    const seen = new Set<Variable>();
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, m] of mods) {
      for (const [n, b] of m._buffers) {
        if (b === null || seen.has(b)) continue;
        seen.add(b);
        yield [mp ? `${mp}.${n}` : n, b];
      }
    }
  }

  /** Every buffer. */
  buffers(recurse = true): Variable[] {
    return [...this.namedBuffers('', recurse)].map(([, b]) => b);
  }

  /** Calls `fn` on every descendant then on this module (PyTorch order); returns `this`. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  // ------------------------------------------------------------------ modes
  /** Sets train mode (default) or eval mode on this module and all descendants. */
  train(mode = true): this {
    this.training = mode;
    for (const c of this.children()) c.train(mode);
    return this;
  }

  /** Eval mode: running statistics in batch norm, no dropout. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Whether eval-mode forwards may keep weight-derived tensors between calls (batch norm folded
   * into scale/shift, filters in the kernel's layout): fewer kernels per call for repeated
   * inference (one trial, a stream). The cache notices any change of the weights (optimizer
   * steps, `loadStateDict`), but holds extra tensors until `cacheWeights(false)` or `dispose()`.
   */
  weightCaching = false;

  /**
   * Turns {@link Module.weightCaching} on or off for this module and its descendants (off frees
   * the cached tensors). `createStream` turns it on for its model.
   * @example
   * ```ts
   * const model = new EEGTCNet({ nChans: 3, nClasses: 2 }).eval().cacheWeights();
   * model.call(trial); // [1, 3, 1000] → [1, 2], fewer kernels from the second call on
   * ```
   */
  cacheWeights(on = true): this {
    return this.apply((m) => {
      m.weightCaching = on;
      if (!on) m.clearWeightCache();
    });
  }

  /** Frees this module's own weight-derived tensors (override when the module caches some). */
  protected clearWeightCache(): void {}

  /** Sets `requiresGrad` on every parameter (freeze with `false`). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /** Clears the gradients of all parameters. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.setGrad(null);
  }

  // ------------------------------------------------------------------ hooks
  /** Registers a hook run before every `forward`. */
  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    const id = hookId++;
    this._preHooks.set(id, hook);
    return { remove: () => void this._preHooks.delete(id) };
  }

  /**
   * Whether any forward pre-hook or forward hook is registered on this module (not its
   * children). Lets a parent that computes several sub-modules in one fused op fall back to
   * calling them when someone observes their `forward` (e.g. `summary()`).
   */
  hasHooks(): boolean {
    return this._preHooks.size > 0 || this._hooks.size > 0;
  }

  /** Registers a hook run after every `forward`. */
  registerForwardHook(hook: ForwardHook): RemovableHandle {
    const id = hookId++;
    this._hooks.set(id, hook);
    return { remove: () => void this._hooks.delete(id) };
  }

  // ------------------------------------------------------------------ state dict
  /**
   * Every module under its dotted prefix without de-duplication: a module registered at two
   * places (shared, or in a container slice) contributes its keys under both, like PyTorch's
   * `state_dict`. A module is skipped only when it contains itself (a cycle).
   */
  private *stateModules(prefix = '', stack: Set<Module> = new Set()): Generator<[string, Module]> {
    if (stack.has(this)) return;
    stack.add(this);
    yield [prefix, this];
    for (const [n, m] of this.namedChildren()) yield* m.stateModules(prefix ? `${prefix}.${n}` : n, stack);
    stack.delete(this);
  }

  /**
   * Parameters and persistent buffers under PyTorch's dotted keys, in registration order
   * (e.g. `bn1.running_mean`, `bn1.num_batches_tracked`). The values are the live tensors,
   * not copies: do not dispose them.
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [mp, m] of this.stateModules()) {
      const pre = mp ? `${mp}.` : '';
      for (const [n, p] of m._parameters) if (p !== null) out[pre + n] = p.data;
      for (const [n, b] of m._buffers) if (b !== null && !m._nonPersistent.has(n)) out[pre + n] = b;
    }
    return out;
  }

  /**
   * Copies values from `dict` (e.g. `loadSafetensors(bytes)`, `loadPth(bytes)`) into the
   * parameters and buffers with the same keys. Shapes must match. With `strict` (default),
   * missing and unexpected keys are an error listing them all by name; otherwise they are
   * returned. Values are copied: the caller still owns `dict`. Given the bytes of a file
   * instead — a PyTorch `.pth` / `.pt` checkpoint or a safetensors file, told apart by their
   * first bytes — it reads them (`file`, `key`, `stripPrefix`: see `loadPth`) and frees what it read.
   *
   * @example
   * ```ts
   * model.loadStateDict(readFileSync('lenet.pth'), { file: 'lenet.pth' }); // or .safetensors
   * model.loadStateDict(loadSafetensors(bytes));                          // a dict you then dispose
   * ```
   */
  loadStateDict(dict: Record<string, Tensor> | Uint8Array | ArrayBuffer, opts: LoadStateDictOptions & LoadPthOptions = {}): LoadStateDictResult {
    if (dict instanceof Uint8Array || dict instanceof ArrayBuffer) return loadStateDictFromFile(this, dict, opts);
    const strict = opts.strict ?? true;
    const own = new Map<string, { set: (t: Tensor) => void; shape: number[] }>();
    for (const [mp, m] of this.stateModules()) {
      const pre = mp ? `${mp}.` : '';
      for (const [n, p] of m._parameters) if (p !== null) own.set(pre + n, { set: (t) => p.assign(t), shape: p.shape });
      for (const [n, b] of m._buffers) {
        if (b === null || m._nonPersistent.has(n)) continue;
        own.set(pre + n, { set: (t) => tidy(() => b.assign(t.dtype === b.dtype ? t : cast(t, b.dtype))), shape: b.shape });
      }
    }
    const missingKeys = [...own.keys()].filter((k) => !(k in dict));
    const unexpectedKeys = Object.keys(dict).filter((k) => !own.has(k));
    const shapeErrors: string[] = [];
    for (const [k, t] of Object.entries(dict)) {
      const o = own.get(k);
      if (o && o.shape.join(',') !== t.shape.join(',')) {
        shapeErrors.push(`${k}: expected shape [${o.shape}], got [${t.shape}]`);
      }
    }
    if (shapeErrors.length || (strict && (missingKeys.length || unexpectedKeys.length))) {
      throw new StateDictError(this.path(), strict ? missingKeys : [], strict ? unexpectedKeys : [], shapeErrors);
    }
    for (const [k, t] of Object.entries(dict)) own.get(k)?.set(t);
    return { missingKeys, unexpectedKeys };
  }

  // ------------------------------------------------------------------ misc
  /** Extra text shown in `toString()` for this module, e.g. `in_features=4, out_features=6`. */
  extraRepr(): string {
    return '';
  }

  /** PyTorch-style multi-line description of the module tree. */
  toString(): string {
    const kids = [...this.namedChildren()];
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (!kids.length) return `${head})`;
    const body = kids.map(([n, m]) => `  (${n}): ${m.toString().split('\n').join('\n  ')}`).join('\n');
    return `${head}\n${body}\n)`;
  }

  /** Frees every parameter, gradient, buffer and cached tensor of this module and its descendants. */
  dispose(): void {
    this.apply((m) => m.clearWeightCache());
    for (const p of this.parameters()) p.dispose();
    for (const b of this.buffers()) b.dispose();
  }
}
