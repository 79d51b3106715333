import { STORAGE_DTYPES, UNSUPPORTED_STORAGES } from './pth-globals.js';
import { PthError } from './pth-error.js';
import { describe, PthObject, PyGlobal, type Raw, StorageRef, TensorRef, tuple, type UnpickleContext } from './pth-values.js';


const isInt = (v: Raw): v is number => typeof v === 'number' && Number.isSafeInteger(v);
function ints(v: Raw, what: string, file: string | undefined): number[] {
  if (!Array.isArray(v) || !v.every((d) => isInt(d) && d >= 0)) throw new PthError('invalid_tensor', `${what} must be a tuple of non-negative integers, got ${describe(v)}`, file);
  return v as number[];
}

/** `d[k] = v` for SETITEM(S), DICT and OrderedDict(items). */
export function dictSet(d: Raw, k: Raw, v: Raw, ctx: UnpickleContext): void {
  if (k instanceof TensorRef) throw ctx.fail('a tensor used as a dict key is not supported');
  if (d instanceof PthObject) d.items.set(k, v);
  else if (d instanceof Map) d.set(k, v);
  else throw ctx.fail(`SETITEM on ${describe(d)}, not a dict`);
}

/** BINPERSID: `('storage', torch.FloatStorage, key, location, numel)` → a storage reference (shared by key). */
export function persistentLoad(pid: Raw, ctx: UnpickleContext): StorageRef {
  if (!Array.isArray(pid) || pid.length < 3 || pid[0] !== 'storage') throw ctx.fail(`persistent id ${describe(pid)} is not ('storage', type, key, …)`);
  const [, type, key] = pid;
  if (!(type instanceof PyGlobal) || typeof key !== 'string') throw ctx.fail(`persistent id ${describe(pid)} has no storage type and key`);
  const short = type.qualname.replace(/^torch\./, '');
  const dtype = STORAGE_DTYPES[short];
  if (!dtype) {
    if (UNSUPPORTED_STORAGES.has(short)) throw new PthError('unsupported_dtype', `storage '${key}' is a ${type.qualname}, which nnkit cannot hold`, ctx.file);
    throw ctx.fail(`persistent id names ${type.qualname}, not a storage type`);
  }
  const had = ctx.storages.get(key);
  if (had && had.dtype !== dtype) throw new PthError('invalid_tensor', `storage '${key}' is used as both ${had.storageType} and ${short}`, ctx.file);
  const s = had ?? new StorageRef(key, dtype, short);
  ctx.storages.set(key, s);
  return s;
}

/**
 * REDUCE / INST / OBJ / NEWOBJ: the JavaScript stand-in for calling a whitelisted global.
 * Nothing from the pickle is ever imported or called.
 */
export function callGlobal(fn: Raw, args: Raw, ctx: UnpickleContext): Raw {
  if (!(fn instanceof PyGlobal)) throw ctx.fail(`REDUCE on ${describe(fn)}, not a global`);
  if (!Array.isArray(args)) throw ctx.fail(`REDUCE arguments must be a tuple, got ${describe(args)}`);
  ctx.spend(args.length);
  if (fn.unknown) return new PthObject<Raw>(fn.qualname, args);
  switch (fn.qualname) {
    case 'collections.OrderedDict': {
      const d = new Map<Raw, Raw>();
      if (args.length > 1) throw ctx.fail('OrderedDict() takes at most one argument');
      if (args.length === 1) {
        const items = args[0];
        if (!Array.isArray(items)) throw ctx.fail(`OrderedDict(${describe(items)}) is not supported`);
        ctx.spend(items.length);
        for (const kv of items) {
          if (!Array.isArray(kv) || kv.length !== 2) throw ctx.fail('OrderedDict items must be pairs');
          dictSet(d, kv[0]!, kv[1]!, ctx);
        }
      }
      return d;
    }
    case 'torch._utils._rebuild_tensor':
    case 'torch._utils._rebuild_tensor_v2': {
      const [storage, offset, size, stride] = args;
      if (args.length < 4 || !(storage instanceof StorageRef)) throw new PthError('invalid_tensor', `${fn.qualname} needs (storage, offset, size, stride, …), got ${describe(args)}`, ctx.file);
      if (!isInt(offset!) || offset < 0) throw new PthError('invalid_tensor', `storage offset must be a non-negative integer, got ${describe(offset!)}`, ctx.file);
      const sz = ints(size!, 'size', ctx.file);
      const st = ints(stride!, 'stride', ctx.file);
      if (sz.length !== st.length) throw new PthError('invalid_tensor', `size [${sz}] and stride [${st}] differ in length`, ctx.file);
      ctx.spend(sz.length);
      return new TensorRef(storage, offset, [...sz], [...st]);
    }
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state': {
      if (!(args[0] instanceof TensorRef)) throw new PthError('invalid_tensor', `${fn.qualname} needs a tensor, got ${describe(args[0] ?? null)}`, ctx.file);
      return args[0];
    }
    case 'torch.Size': {
      if (args.length !== 1 || !Array.isArray(args[0])) throw ctx.fail('torch.Size needs one sequence');
      ctx.spend(args[0].length);
      return tuple([...args[0]]);
    }
    case '_codecs.encode': {
      const [s, enc] = args;
      if (typeof s !== 'string' || (enc !== 'latin1' && enc !== 'latin-1')) throw ctx.fail(`_codecs.encode(${describe(s ?? null)}, ${describe(enc ?? null)}) is not supported`);
      ctx.spend(s.length);
      const out = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c > 255) throw ctx.fail('_codecs.encode: character outside latin-1');
        out[i] = c;
      }
      return out;
    }
    case 'builtins.set':
    case 'builtins.frozenset':
    case '__builtin__.set':
    case '__builtin__.frozenset': {
      const items = args.length ? args[0] : [];
      if (!Array.isArray(items) || args.length > 1) throw ctx.fail(`${fn.qualname}(${describe(items ?? null)}) is not supported`);
      ctx.spend(items.length);
      return new Set(items);
    }
    default:
      throw ctx.fail(`${fn.qualname} cannot be called`);
  }
}
