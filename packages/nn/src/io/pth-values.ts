import type { SafetensorsDtype } from './dtypes.js';
import type { PthError } from './pth-error.js';

/**
 * A global (`module.name`) as pushed by GLOBAL / STACK_GLOBAL: a whitelisted one, or — only with
 * `unknownGlobals: 'inert'` — any other, which is never called but recorded as a {@link PthObject}.
 */
export class PyGlobal {
  constructor(
    readonly qualname: string,
    readonly unknown = false,
  ) {}
}

/**
 * An object of a class outside the whitelist, read with `unknownGlobals: 'inert'`: nothing was
 * imported or called; `type` names the global, `args` are the arguments the pickle would have
 * called it with, `state` what it would have set (BUILD), `items` / `list` what it would have
 * stored (dict and list subclasses). Tensors inside are read like any others.
 *
 * @example
 * ```ts
 * const ckpt = readPth(bytes, { unknownGlobals: 'inert' }) as Map<string, PthValue>;
 * const args = ckpt.get('args') as PthObject; // argparse.Namespace of a training script
 * args.type;                                   // 'argparse.Namespace'
 * (args.state as Map<string, PthValue>).get('lr');
 * ```
 */
export class PthObject<V = unknown> {
  state: V | null = null;
  readonly items = new Map<V, V>();
  readonly list: V[] = [];
  constructor(
    readonly type: string,
    readonly args: V[],
  ) {}
}

/** A storage named by a persistent id: `('storage', torch.FloatStorage, key, location, numel)`. */
export class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: SafetensorsDtype,
    readonly storageType: string,
  ) {}
}

/** A tensor described by `_rebuild_tensor_v2`: a view (offset, size, stride) of a storage. Not yet read. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly size: number[],
    readonly stride: number[],
  ) {}
}

/** What the unpickler builds: plain values, containers and (unread) tensors. */
export type Raw = null | boolean | number | bigint | string | Uint8Array | PyGlobal | StorageRef | TensorRef | PthObject<Raw> | Raw[] | Map<Raw, Raw> | Set<Raw>;

/** Tuples are arrays marked here (APPEND to a tuple is an error, as in Python). */
export const TUPLES = new WeakSet<Raw[]>();

/** Marks `items` as a tuple and returns it. */
export function tuple(items: Raw[]): Raw[] {
  TUPLES.add(items);
  return items;
}

/** What the rebuild functions need from the unpickler: error factory, work budget, file name. */
export interface UnpickleContext {
  file: string | undefined;
  fail(why: string, kind?: 'invalid_pickle' | 'too_large'): PthError;
  spend(n: number): void;
  storages: Map<string, StorageRef>;
}

/** A short description of a value for error messages. */
export function describe(v: Raw | undefined): string {
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return `a sequence of ${v.length}`;
  if (v instanceof Map) return 'a dict';
  if (v instanceof Set) return 'a set';
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (v instanceof PyGlobal) return v.qualname;
  if (v instanceof StorageRef) return `storage '${v.key}'`;
  if (v instanceof TensorRef) return 'a tensor';
  if (v instanceof PthObject) return `a ${v.type} object`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}
