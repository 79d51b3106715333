import type { Tensor } from '@tensorflow/tfjs-core';
import { PthError } from './pth-error.js';
import { materialize, type PthValue } from './pth-tensors.js';
import { unpickle } from './pth-unpickle.js';
import { describe, type Raw, TensorRef } from './pth-values.js';
import { isZip, readZipDirectory, readZipRecord, type ZipRecord } from './pth-zip.js';

/** Options for {@link readPth}. */
export interface ReadPthOptions {
  /** File name used in error messages (default `<bytes>`). */
  file?: string;
  /**
   * Most tensor elements materialised in all (a view with zero strides can describe far more
   * elements than its storage holds). Default `2 ** 24 + 2 × file size`.
   */
  maxElements?: number;
  /** Deepest nesting of lists / dicts / tuples accepted. Default 200. */
  maxDepth?: number;
  /** Check each record read against the CRC-32 of the zip directory. Default `true`. */
  verifyCrc?: boolean;
  /**
   * What to do with a global outside {@link PTH_GLOBALS}: `'error'` (default) refuses the file
   * with a `forbidden_global` error naming it; `'inert'` records it as a {@link PthObject} (type
   * name, arguments, state — never imported nor called), e.g. to read the `model` of a training
   * checkpoint that also pickled an `argparse.Namespace`.
   */
  unknownGlobals?: 'error' | 'inert';
}

/** Options for {@link loadPth}. */
export interface LoadPthOptions extends ReadPthOptions {
  /**
   * Where the state dict sits in the checkpoint: a key (`'model'`) or a path of keys
   * (`['ema', 'state_dict']`). Default: the top-level dict if it maps strings to tensors, else the
   * first of `state_dict`, `model_state_dict`, `model`, `net`, `module` that does.
   */
  key?: string | string[];
  /** A prefix removed from every key that has it, e.g. `'module.'` for `DataParallel` checkpoints. */
  stripPrefix?: string;
}

/**
 * The wrapper keys {@link loadPth} looks into, in order, when the top level is not a state dict.
 *
 * @example
 * ```ts
 * // torch.save({'model_state_dict': sd, 'epoch': 3}, path) → found under 'model_state_dict'
 * STATE_DICT_KEYS; // ['state_dict', 'model_state_dict', 'model', 'net', 'module']
 * ```
 */
export const STATE_DICT_KEYS: readonly string[] = ['state_dict', 'model_state_dict', 'model', 'net', 'module'];

interface Archive {
  root: Raw;
  read: (key: string) => Uint8Array;
  bigEndian: boolean;
}

function asBytes(input: Uint8Array | ArrayBuffer, file?: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  throw new PthError('not_a_checkpoint', `expected a Uint8Array or ArrayBuffer, got ${Object.prototype.toString.call(input)}`, file);
}

/** Whether the bytes look like a pre-1.6 `torch.save` file (a bare pickle, or the older tar layout). */
export function isLegacyPth(bytes: Uint8Array): boolean {
  const tar = bytes.length > 262 && String.fromCharCode(...bytes.subarray(257, 262)) === 'ustar';
  return (bytes.length > 1 && bytes[0] === 0x80 && bytes[1]! <= 5) || tar;
}

function open(bytes: Uint8Array, opts: ReadPthOptions): Archive {
  const file = opts.file;
  if (!isZip(bytes)) {
    if (isLegacyPth(bytes)) {
      throw new PthError(
        'legacy_format',
        'this is a legacy (pre-1.6, non-zip) torch.save file, which nnkit does not read. Re-save it with PyTorch ≥ 1.6, ' +
          "where the zip format is the default: torch.save(torch.load(path, map_location='cpu'), path) " +
          '(add _use_new_zipfile_serialization=True if it was turned off; torch.load runs the pickle, so do this only for a file you trust)',
        file,
      );
    }
    throw new PthError('not_a_checkpoint', 'not a PyTorch checkpoint: torch.save files are zip archives (they start with "PK")', file);
  }
  const records = readZipDirectory(bytes, file);
  const pkl = [...records.keys()].filter((n) => /^[^/]*\/?data\.pkl$/.test(n));
  if (!pkl.length) {
    if ([...records.keys()].some((n) => /(^|\/)(constants\.pkl|code\/)/.test(n))) {
      throw new PthError('torchscript', 'this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint; save the weights with torch.save(model.state_dict(), path)', file);
    }
    throw new PthError('missing_record', `no data.pkl in the archive (records: ${[...records.keys()].slice(0, 5).join(', ')}${records.size > 5 ? ', …' : ''})`, file);
  }
  const prefix = pkl[0]!.slice(0, -'data.pkl'.length);
  const maxBytes = Math.min(2 ** 31, bytes.length * 1032 + 1024);
  const get = (rec: ZipRecord | undefined, name: string): Uint8Array => {
    if (!rec) throw new PthError('missing_record', `record '${name}' is missing from the archive`, file);
    return readZipRecord(bytes, rec, maxBytes, opts.verifyCrc ?? true, file);
  };
  let bigEndian = false;
  const order = records.get(`${prefix}byteorder`);
  if (order) {
    const text = new TextDecoder().decode(get(order, `${prefix}byteorder`)).trim();
    if (text !== 'little' && text !== 'big') throw new PthError('invalid_zip', `byteorder record says '${text.slice(0, 20)}', not 'little' or 'big'`, file);
    bigEndian = text === 'big';
  }
  const root = unpickle(get(records.get(pkl[0]!), pkl[0]!), file, opts.unknownGlobals === 'inert');
  const read = (key: string): Uint8Array => get(records.get(`${prefix}data/${key}`), `${prefix}data/${key}`);
  return { root, read, bigEndian };
}

function limits(bytes: Uint8Array, opts: ReadPthOptions, bigEndian: boolean) {
  return { maxElements: opts.maxElements ?? 2 ** 24 + 2 * bytes.length, maxDepth: opts.maxDepth ?? 200, bigEndian, file: opts.file };
}

/**
 * Reads a PyTorch checkpoint written by `torch.save` (torch ≥ 1.6 zip format) into JavaScript
 * values, without running any code from it: the pickle is read by a restricted unpickler that
 * knows only tensors, containers, plain values and a short whitelist of globals
 * ({@link PTH_GLOBALS}); anything else (`os.system`, `builtins.eval`, a custom class…) raises a
 * {@link PthError} naming it. Python values map to: dict / OrderedDict → `Map` (insertion order
 * and non-string keys kept), list and tuple → array, int → number (bigint beyond 2^53), float →
 * number, str → string, bytes → Uint8Array, bool → boolean, None → null, set → Set, tensor /
 * Parameter → tfjs `Tensor` (owned by the caller: dispose it). Dtypes narrow as in safetensors:
 * float64/float16/bfloat16 → float32, int64/int16/int8/uint8 → int32 (an int64 outside int32 is a
 * `int_out_of_range` error), bool → bool. Views (strides, storage offsets, shared storages) are
 * gathered into contiguous tensors. Every size and offset is checked before anything is allocated.
 *
 * @example
 * ```ts
 * const ckpt = readPth(await (await fetch('checkpoint.pth')).arrayBuffer()) as Map<string, PthValue>;
 * ckpt.get('epoch');                          // 3
 * const sd = ckpt.get('model') as Map<string, Tensor>;
 * sd.get('conv1.weight')!.shape;              // [6, 1, 5, 5]
 * ```
 */
export function readPth(input: Uint8Array | ArrayBuffer, opts: ReadPthOptions = {}): PthValue {
  const bytes = asBytes(input, opts.file);
  const a = open(bytes, opts);
  return materialize(a.root, a.read, limits(bytes, opts, a.bigEndian));
}

const isStateDict = (v: Raw): v is Map<Raw, Raw> =>
  v instanceof Map && v.size > 0 && [...v].every(([k, t]) => typeof k === 'string' && t instanceof TensorRef);

function findStateDict(root: Raw, opts: LoadPthOptions): Map<Raw, Raw> {
  const file = opts.file;
  const keysOf = (v: Raw): string => (v instanceof Map ? [...v.keys()].slice(0, 10).map((k) => describe(k)).join(', ') : describe(v));
  if (opts.key !== undefined) {
    let v = root;
    const path = typeof opts.key === 'string' ? [opts.key] : opts.key;
    for (const k of path) {
      if (!(v instanceof Map) || !v.has(k)) throw new PthError('no_state_dict', `no key '${k}' in the checkpoint (keys: ${keysOf(v)})`, file);
      v = v.get(k)!;
    }
    if (!(v instanceof Map)) throw new PthError('no_state_dict', `[${path.join('][')}] is ${describe(v)}, not a dict of tensors`, file);
    for (const [k, t] of v) {
      if (typeof k !== 'string' || !(t instanceof TensorRef)) throw new PthError('no_state_dict', `[${path.join('][')}] is not a state dict: entry ${describe(k)} is ${describe(t)}, not a tensor`, file);
    }
    return v;
  }
  if (isStateDict(root)) return root;
  if (root instanceof Map) {
    for (const k of STATE_DICT_KEYS) if (isStateDict(root.get(k) ?? null)) return root.get(k) as Map<Raw, Raw>;
  }
  throw new PthError('no_state_dict', `found no state dict (a dict of str → tensor) at the top level or under ${STATE_DICT_KEYS.join(', ')} (top-level keys: ${keysOf(root)}); pass { key } to pick one`, file);
}

/**
 * Reads the state dict of a PyTorch checkpoint as a `Record<string, Tensor>` that goes straight
 * into `module.loadStateDict`. Accepts a bare `torch.save(model.state_dict(), path)` file or a
 * training checkpoint that wraps it (`{'model': sd, 'optimizer': …, 'epoch': 3}`, see
 * {@link LoadPthOptions.key}); only the state dict's tensors are read. Same reading rules and
 * errors as {@link readPth}. Dispose the tensors after loading (`loadStateDict` copies them).
 *
 * @example
 * ```ts
 * const dict = loadPth(readFileSync('lenet.pth'), { file: 'lenet.pth' });
 * model.loadStateDict(dict);                      // strict: missing / unexpected keys are named
 * Object.values(dict).forEach((t) => t.dispose());
 * ```
 */
export function loadPth(input: Uint8Array | ArrayBuffer, opts: LoadPthOptions = {}): Record<string, Tensor> {
  const bytes = asBytes(input, opts.file);
  const a = open(bytes, opts);
  const sd = findStateDict(a.root, opts);
  const m = materialize(sd, a.read, limits(bytes, opts, a.bigEndian)) as Map<string, Tensor>;
  const pre = opts.stripPrefix;
  const entries = [...m].map(([k, t]): [string, Tensor] => [pre && k.startsWith(pre) ? k.slice(pre.length) : k, t]);
  const keys = new Set<string>();
  const twice = entries.find(([k]) => keys.size === keys.add(k).size);
  if (twice) {
    for (const t of new Set(m.values())) t.dispose();
    throw new PthError('no_state_dict', `stripping '${pre}' gives the key '${twice[0]}' twice`, opts.file);
  }
  // fromEntries defines own properties, so a key such as '__proto__' cannot touch the prototype.
  return Object.fromEntries(entries);
}
