import type { SafetensorsDtype } from './dtypes.js';
import type { PthError } from './pth-error.js';

/** A whitelisted global (`module.name`), as pushed by GLOBAL / STACK_GLOBAL. */
export class PyGlobal {
  constructor(readonly qualname: string) {}
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
export type Raw = null | boolean | number | bigint | string | Uint8Array | PyGlobal | StorageRef | TensorRef | Raw[] | Map<Raw, Raw> | Set<Raw>;

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
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}
