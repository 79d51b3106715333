import type { Parameter } from '@nnkit/nn';
import { cast, clone, type Tensor, tidy, type Variable, variable, zerosLike } from '@tensorflow/tfjs-core';
import { ShapeError, ArgumentError } from '@nnkit/tensor';

/** Per-parameter optimizer state: tensors (moment estimates, buffers) and numbers (`step`). */
export type ParamState = Record<string, Variable | number>;

/**
 * A parameter group: its parameters plus every option of the optimizer (`lr`, `momentum`, ...),
 * and any extra keys schedulers add (`initialLr`, `maxLr`, ...). Mutate `lr` to change the
 * learning rate, as in PyTorch.
 */
export type ParamGroup<O> = O & { params: Parameter[]; [extra: string]: unknown };

/** What optimizer constructors and {@link Optimizer.addParamGroup} accept for a group. */
export type ParamGroupInput<O> = Partial<O> & { params: Iterable<Parameter> };

/** An optimizer's parameters: a flat list, or groups with per-group options. */
export type ParamsInput<O> = Iterable<Parameter> | ParamGroupInput<O>[];

/**
 * PyTorch-layout optimizer state: `state` by parameter index (counting through all groups in
 * order) with snake_case keys (`exp_avg`, `momentum_buffer`, `step`), and `param_groups` with
 * snake_case options and the parameter indices in `params`. Tensors are copies owned by the
 * holder of the dict.
 */
export interface OptimizerStateDict {
  state: Record<number, Record<string, Tensor | number>>;
  param_groups: (Record<string, unknown> & { params: number[] })[];
}

/** Options for {@link Optimizer.zeroGrad}. */
export interface ZeroGradOptions {
  /** Free gradients (`grad = null`, default) instead of filling them with zeros. */
  setToNone?: boolean;
}

const camelToSnake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const snakeToCamel = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function isGroupList<O>(p: ParamsInput<O>): p is ParamGroupInput<O>[] {
  return Array.isArray(p) && p.length > 0 && typeof p[0] === 'object' && p[0] !== null && 'params' in p[0];
}

/** A non-trainable variable holding a copy of `t` (optimizer state), not freed by `tidy`. */
export function stateVar(t: Tensor): Variable {
  return variable(t, false);
}

/** A zero-filled state variable shaped like `p`. */
export function zerosState(p: Parameter): Variable {
  return tidy(() => stateVar(zerosLike(p.data)));
}

/**
 * Base class of the optimizers, like `torch.optim.Optimizer`: parameter groups with per-group
 * options, per-parameter state, `zeroGrad`, `step` and an exact `stateDict`/`loadStateDict`.
 * Subclasses implement {@link Optimizer.updateGroup}.
 *
 * @example
 * ```ts
 * const opt = new SGD([
 *   { params: model.features.parameters() },
 *   { params: model.classifier.parameters(), lr: 1e-3 },
 * ], { lr: 1e-2, momentum: 0.9 });
 * opt.zeroGrad(); backward(() => loss(model), model).dispose(); opt.step();
 * ```
 */
export abstract class Optimizer<O extends { lr: number } = { lr: number }> {
  /** The options each group starts from (the constructor's options). */
  readonly defaults: O;
  /** The parameter groups; change `paramGroups[i].lr` to change a learning rate. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (e.g. `exp_avg`), created on the parameter's first update. */
  readonly state = new Map<Parameter, ParamState>();

  constructor(params: ParamsInput<O>, defaults: O) {
    this.defaults = defaults;
    const groups: ParamGroupInput<O>[] = isGroupList(params) ? params : [{ params } as ParamGroupInput<O>];
    const flat = Array.isArray(params) ? params : [...(params as Iterable<Parameter>)];
    if (flat.length === 0) throw new ArgumentError(this.name, 'optimizer got an empty parameter list');
    for (const g of groups) this.addParamGroup(g);
  }

  /** Name used in error messages (the class name). */
  protected get name(): string {
    return this.constructor.name;
  }

  /**
   * Adds a group of parameters with its own options (missing options come from `defaults`),
   * e.g. to train layers unfrozen during fine-tuning.
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const params = [...group.params];
    const seen = new Set<Parameter>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    if (params.some((p) => seen.has(p))) throw new ArgumentError(this.name, 'some parameters appear in more than one parameter group');
    if (new Set(params).size !== params.length) {
      console.warn(`${this.name}: a parameter group contains duplicate parameters; in future, this will cause an error`);
    }
    const full = { ...this.defaults, ...group, params } as ParamGroup<O>;
    const rec = full as Record<string, unknown>;
    if (Array.isArray(rec['betas'])) rec['betas'] = [...(rec['betas'] as number[])];
    this.validate(full);
    this.paramGroups.push(full);
  }

  /** Checks a group's options; throws PyTorch's messages (`Invalid learning rate: -1`). */
  protected validate(group: ParamGroup<O>): void {
    if (!(group.lr >= 0)) throw new ArgumentError(this.name, `Invalid learning rate: ${group.lr}`);
  }

  /**
   * Clears the gradients of every parameter: frees them (`grad = null`, default, like PyTorch
   * 2.x) or, with `setToNone: false`, replaces them with zeros.
   */
  zeroGrad(opts: ZeroGradOptions = {}): void {
    const setToNone = opts.setToNone ?? true;
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (p.grad === null) continue;
        if (setToNone) p.setGrad(null);
        else {
          const old = p.grad;
          p.setGrad(tidy(() => zerosLike(old)));
        }
      }
    }
  }

  /**
   * Updates every parameter that has a gradient (parameters with `grad === null` are skipped).
   * `closure`, when given, is called first (e.g. to recompute the loss with `backward`) and its
   * result is returned.
   */
  step<R = undefined>(closure?: () => R): R | undefined {
    const loss = closure?.();
    for (const g of this.paramGroups) {
      const params = g.params.filter((p) => p.grad !== null);
      if (params.length) this.updateGroup(g, params);
    }
    return loss;
  }

  /** Applies one update to `params` (all with a gradient) of `group`, in place, leaking nothing. */
  protected abstract updateGroup(group: ParamGroup<O>, params: Parameter[]): void;

  /** The state of `p`, created empty on first use. */
  protected stateOf(p: Parameter): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /**
   * A copy of the optimizer's state in PyTorch's layout (see {@link OptimizerStateDict}).
   * The tensors are clones: dispose them with {@link disposeStateDict} when done.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Parameter, number>();
    const param_groups: OptimizerStateDict['param_groups'] = [];
    for (const g of this.paramGroups) {
      const out: Record<string, unknown> & { params: number[] } = { params: [] };
      for (const [k, v] of Object.entries(g)) {
        if (k === 'params') continue;
        out[camelToSnake(k)] = Array.isArray(v) ? [...(v as unknown[])] : v;
      }
      for (const p of g.params) {
        if (!index.has(p)) index.set(p, index.size);
        out.params.push(index.get(p)!);
      }
      param_groups.push(out);
    }
    const state: OptimizerStateDict['state'] = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const o: Record<string, Tensor | number> = {};
      for (const [k, v] of Object.entries(s)) o[camelToSnake(k)] = typeof v === 'number' ? v : clone(v);
      state[i] = o;
    }
    return { state, param_groups };
  }

  /**
   * Restores state saved by {@link Optimizer.stateDict} (or converted from PyTorch's
   * `optimizer.state_dict()`): group options and per-parameter state, matched by position.
   * Values are copied; the caller still owns `dict`. A `step` stored as a tensor is read as a number.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const groups = dict.param_groups;
    if (groups.length !== this.paramGroups.length) {
      throw new ArgumentError(`${this.name}.loadStateDict`, 'loaded state dict has a different number of parameter groups');
    }
    groups.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i]!.params.length) {
        throw new ArgumentError(`${this.name}.loadStateDict`, "loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
    });
    const byIndex = new Map<number, Parameter>();
    groups.forEach((g, i) => g.params.forEach((id, j) => byIndex.set(id, this.paramGroups[i]!.params[j]!)));
    const newState = new Map<Parameter, ParamState>();
    for (const [key, s] of Object.entries(dict.state)) {
      const p = byIndex.get(Number(key));
      if (!p) throw new ArgumentError(`${this.name}.loadStateDict`, `state for parameter ${key}, which is in no parameter group`);
      const o: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        const name = snakeToCamel(k);
        if (typeof v === 'number') o[name] = v;
        else if (name === 'step') o[name] = v.dataSync()[0]!;
        else {
          if (v.shape.join(',') !== p.shape.join(',')) {
            throw new ShapeError(`${this.name}.loadStateDict`, `[${p.shape.join(', ')}]`, v.shape, `state '${k}' of parameter ${key}`);
          }
          o[name] = tidy(() => stateVar(v.dtype === p.data.dtype ? clone(v) : cast(v, p.data.dtype)));
        }
      }
      newState.set(p, o);
    }
    this.disposeState();
    for (const [p, s] of newState) this.state.set(p, s);
    groups.forEach((g, i) => {
      const target = this.paramGroups[i]!;
      for (const [k, v] of Object.entries(g)) {
        if (k === 'params') continue;
        (target as Record<string, unknown>)[snakeToCamel(k)] = Array.isArray(v) ? [...(v as unknown[])] : v;
      }
    });
  }

  /** Frees all per-parameter state tensors (the optimizer starts afresh). */
  disposeState(): void {
    for (const s of this.state.values()) for (const v of Object.values(s)) if (typeof v !== 'number') v.dispose();
    this.state.clear();
  }

  /** Frees the optimizer's state (not the parameters). */
  dispose(): void {
    this.disposeState();
  }
}

/** Frees the tensors of a dict returned by {@link Optimizer.stateDict}. */
export function disposeStateDict(dict: OptimizerStateDict): void {
  for (const s of Object.values(dict.state)) for (const v of Object.values(s)) if (typeof v !== 'number') v.dispose();
}
