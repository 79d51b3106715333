import { cast, clone, type DataType, type Tensor, type TensorContainer, type Variable, tidy, variable } from '@tensorflow/tfjs-core';
import { DTypeError, explainWasmTrap, NnkitError, ShapeError } from '@nnkit/tensor';
import { Parameter } from './parameter.js';
import { StateDictError } from './errors.js';
import { ArgumentError } from '@nnkit/tensor';
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

const pathed = new WeakSet<object>();

/**
 * Makes an error raised inside a module's `forward` name the module: the innermost `call` that
 * sees it prefixes its message with the module path unless the message already names it
 * (nnkit's own errors do), and marks it so outer calls leave it alone. The error keeps its class.
 */
function withModulePath(e: unknown, path: string): unknown {
  if (!(e instanceof Error) || pathed.has(e)) return e;
  pathed.add(e);
  if (!e.message.includes(path)) e.message = `${path}: ${e.message}`;
  return e;
}

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
    let out: unknown;
    try {
      out = tidy(() => fwd.apply(this, args) as TensorContainer);
    } catch (e) {
      // A layer or kernel that cannot take an empty batch (a wasm trap, a reshape of 0 elements):
      // say so in a ShapeError naming the module, rather than a backend's RuntimeError.
      const empty = args.find((a): a is Tensor => a instanceof Object && 'shape' in a && Array.isArray((a as Tensor).shape) && (a as Tensor).shape[0] === 0);
      if (empty && !(e instanceof NnkitError)) {
        throw new ShapeError(this.path(), `a non-empty batch (this module cannot take batch 0: ${(e as Error).message ?? String(e)})`, empty.shape);
      }
      throw withModulePath(explainWasmTrap(e, this.path()), this.path());
    }
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
      throw new ArgumentError(this.path(), `invalid name '${name}' (must be non-empty and contain no '.')`);
    }
    for (const k of ['_parameters', '_buffers', '_modules'] as const) {
      if (k !== kind && this[k].has(name)) throw new ArgumentError(this.path(), `'${name}' is already registered in ${k}`);
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
  /**
   * Sets train mode (default) or eval mode on this module and all descendants. Entering train
   * mode frees the eval-mode weight cache (see {@link Module.weightCaching}): training changes
   * the weights every step, so the cached tensors would only hold memory.
   */
  train(mode = true): this {
    this.training = mode;
    if (mode) this.clearWeightCache();
    for (const c of this.children()) c.train(mode);
    return this;
  }

  /** Eval mode: running statistics in batch norm, no dropout. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Whether eval-mode forwards keep weight-derived tensors between calls (batch norm folded
   * into scale/shift, filters in the kernel's layout): fewer kernels per call for repeated
   * inference (one trial, a stream). On by default. The cache is keyed on the data of every
   * source tensor (tfjs gives a parameter or buffer new data on every `assign`), so any change —
   * optimizer steps, `loadStateDict`, `Parameter.assign`, running-statistics updates, `init`
   * functions — is noticed on the next call and no stale result is possible. It holds about one
   * extra copy of the weights it derives from, freed by `train()`, `cacheWeights(false)` and
   * `dispose()`; a gradient tape (`grad`, `backward`) always bypasses it.
   */
  weightCaching = true;

  /**
   * Turns {@link Module.weightCaching} on (the default) or off for this module and its
   * descendants; off frees the cached tensors and recomputes the derived weights on every call
   * (the least memory, e.g. for a very large model evaluated once).
   * @example
   * ```ts
   * const model = new EEGTCNet({ nChans: 3, nClasses: 2 }).eval();
   * model.call(trial); // [1, 3, 1000] → [1, 2], fewer kernels from the second call on
   * model.cacheWeights(false); // frees the cache; every call derives the weights afresh
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
   * children): someone observes (or may replace) its `forward`'s inputs or output, so the module
   * must really run. Layers that can describe themselves as data for a fused op
   * (`Conv2d.asConvolution()`, `BatchNorm2d.asAffine()`) return null while it is true.
   *
   * @example
   * ```ts
   * const h = conv.registerForwardHook((m, inputs, out) => console.log(out));
   * conv.hasHooks(); // true
   * h.remove();
   * conv.hasHooks(); // false
   * ```
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
   * parameters and buffers with the same keys, like PyTorch's `load_state_dict`. All or nothing:
   * every key, shape and dtype is checked before anything is copied, and on an error the module
   * is unchanged. With `strict` (default), missing and unexpected keys are an error listing them
   * all by name; otherwise they are returned. Shape mismatches raise a {@link StateDictError}
   * listing them all; a value of the wrong dtype (an int32 or bool weight) a `DTypeError` naming
   * the key. Values are copied: the caller still owns `dict`, and loading the module's own
   * `stateDict()` (or values swapped between its keys) is safe — a no-op for its own. Given the
   * bytes of a file instead — a PyTorch `.pth` / `.pt` checkpoint or a safetensors file, told
   * apart by their first bytes — it reads them (`file`, `key`, `stripPrefix`: see `loadPth`) and
   * frees what it read.
   *
   * @example
   * ```ts
   * const m = new Linear(4, 3);
   * m.loadStateDict(m.stateDict());                         // no-op
   * m.loadStateDict(readFileSync('lenet.pth'), { file: 'lenet.pth' }); // or .safetensors
   * m.loadStateDict(loadSafetensors(bytes));                 // PyTorch's keys
   * m.loadStateDict({ weight: w }, { strict: false });       // → { missingKeys: ['bias'], … }
   * ```
   */
  loadStateDict(dict: Record<string, Tensor> | Uint8Array | ArrayBuffer, opts: LoadStateDictOptions & LoadPthOptions = {}): LoadStateDictResult {
    if (dict instanceof Uint8Array || dict instanceof ArrayBuffer) return loadStateDictFromFile(this, dict, opts);
    const strict = opts.strict ?? true;
    const path = this.path();
    const own = new Map<string, { target: Variable; shape: number[]; dtype: DataType }>();
    for (const [mp, m] of this.stateModules()) {
      const pre = mp ? `${mp}.` : '';
      for (const [n, p] of m._parameters) if (p !== null) own.set(pre + n, { target: p.data, shape: p.shape, dtype: p.data.dtype });
      for (const [n, b] of m._buffers) {
        if (b === null || m._nonPersistent.has(n)) continue;
        own.set(pre + n, { target: b, shape: b.shape, dtype: b.dtype });
      }
    }
    const missingKeys = [...own.keys()].filter((k) => !(k in dict));
    const unexpectedKeys = Object.keys(dict).filter((k) => !own.has(k));
    const shapeErrors: string[] = [];
    const dtypeErrors: [string, DataType, string][] = [];
    const loads: [string, Tensor, { target: Variable; dtype: DataType }][] = [];
    for (const [k, t] of Object.entries(dict)) {
      const o = own.get(k);
      if (!o) continue;
      if (t === null || typeof t !== 'object' || !Array.isArray(t.shape) || t.isDisposed) {
        shapeErrors.push(`${k}: expected a tensor of shape [${o.shape}], got ${t === null || typeof t !== 'object' ? String(t) : 'a disposed tensor'}`);
        continue;
      }
      if (o.shape.join(',') !== t.shape.join(',')) shapeErrors.push(`${k}: expected shape [${o.shape}], got [${t.shape}]`);
      // float32 targets take float32 only (an int32/bool weight is refused, as PyTorch refuses to
      // load a LongTensor where it has no lossless copy); int32 counters also take float32.
      if (t.dtype !== o.dtype && !(o.dtype === 'int32' && t.dtype === 'float32')) dtypeErrors.push([k, o.dtype, t.dtype]);
      loads.push([k, t, o]);
    }
    if (shapeErrors.length || (strict && (missingKeys.length || unexpectedKeys.length))) {
      throw new StateDictError(path, strict ? missingKeys : [], strict ? unexpectedKeys : [], shapeErrors);
    }
    if (dtypeErrors.length) {
      const [k, want, got] = dtypeErrors[0]!;
      const more = dtypeErrors.length > 1 ? ` (and ${dtypeErrors.slice(1).map(([key]) => key).join(', ')})` : '';
      throw new DTypeError(`${path}.${k}`, want, `${got}${more}`, 'state_dict value');
    }
    // Copy first, assign second: a value may be this module's own tensor (its stateDict, or one
    // key's tensor under another key), whose data an earlier assign would otherwise release.
    const copies = loads.map(([, t, o]) => (t.dtype === o.dtype ? clone(t) : cast(t, o.dtype)));
    try {
      loads.forEach(([, , o], i) => {
        if (copies[i]!.dataId !== o.target.dataId) o.target.assign(copies[i]!);
      });
    } finally {
      for (const c of copies) c.dispose();
    }
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
