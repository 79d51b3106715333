import { StorageError, NotSupportedError } from '@nnkit/tensor';

/**
 * Where the Runner keeps models and checkpoints: a tiny key → bytes store. Keys are paths
 * (`runs/best.safetensors`). Implementations: {@link nodeStorage} (files), {@link memoryStorage}
 * (tests), {@link indexedDbStorage} (browsers), {@link downloadStorage} (browser downloads, write only).
 *
 * @example
 * ```ts
 * const runner = new Runner({ model, optimizer, lossFn, storage: memoryStorage() });
 * ```
 */
export interface ModelStorage {
  /** Writes (replaces) `path`; creates parent folders when needed. */
  write(path: string, data: Uint8Array | string): Promise<void>;
  /** Reads `path`; rejects with an error naming the path when it does not exist. */
  read(path: string): Promise<Uint8Array>;
  /** Whether `path` exists. */
  exists(path: string): Promise<boolean>;
  /** Deletes `path` (and, for a folder, everything under it); no error when absent. */
  remove(path: string): Promise<void>;
  /**
   * Names of the entries directly under the folder `dir` (sorted; `[]` when absent). Optional:
   * checkpoints use it to remove files of superseded or interrupted saves.
   */
  list?(dir: string): Promise<string[]>;
}

const children = (keys: Iterable<string>, dir: string): string[] => {
  const pre = `${dir.replace(/\/+$/, '')}/`;
  const out = new Set<string>();
  for (const k of keys) if (k.startsWith(pre)) out.add(k.slice(pre.length).split('/')[0]!);
  return [...out].sort();
};

const enc = new TextEncoder();
const toBytes = (d: Uint8Array | string): Uint8Array => (typeof d === 'string' ? enc.encode(d) : d);

/** A mutating file-system operation of {@link nodeStorage}, as passed to {@link NodeStorageOptions.beforeWrite}. */
export type StorageOp = 'mkdir' | 'open' | 'write' | 'fsync' | 'close' | 'rename' | 'fsync-dir' | 'remove';

/** Options of {@link nodeStorage}. */
export interface NodeStorageOptions {
  /**
   * Called before every mutating file-system operation (tests: fault injection — throw an error
   * with `code: 'ENOSPC'` — or a crash at the N-th write). May be async.
   */
  beforeWrite?: (op: StorageOp, path: string) => void | Promise<void>;
}

/** Wraps a Node file-system error as a {@link StorageError} naming the path. */
function storageError(path: string, action: string, e: unknown): StorageError {
  if (e instanceof StorageError) return e;
  const code = (e as { code?: string })?.code;
  const why: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOTDIR: 'a parent of the path is a file, not a folder',
    ENOENT: 'no such file or folder',
    EISDIR: 'the path is a folder',
  };
  const detail = code && why[code] ? `${why[code]} (${code})` : (e as Error)?.message ?? String(e);
  return new StorageError(path, `cannot ${action}: ${detail}`, { cause: e });
}

/** True when process `pid` is still running (a temporary file of a live save must not be removed). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/**
 * A Node built-in module without an `import` (so no bundler pulls `node:*` into a browser build
 * of `@nnkit/train`): `process.getBuiltinModule` (Node ≥ 20.16).
 */
function nodeBuiltin<T>(id: string): T {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') throw new NotSupportedError('nodeStorage', `needs Node ≥ 20.16 (process.getBuiltinModule) to load '${id}'; in a browser use indexedDbStorage() or downloadStorage()`);
  return get(id) as T;
}

/**
 * Files on disk (Node). `node:fs` is loaded at first use through `process.getBuiltinModule`,
 * so this module imports nothing Node-only and also loads in browsers.
 *
 * Every write is atomic and durable: the bytes go to `<path>.tmp-<pid>`, are fsynced, and the
 * file is renamed over `<path>` (then the folder is fsynced): a crash leaves the old or the new
 * file, never a torn one. Temporary files of dead processes in the folder are removed on the next
 * write there. Folders are created one level at a time (a path under a regular file or in a
 * read-only or virtual file system fails at once). Every failure is a `StorageError` naming the path.
 *
 * @example
 * ```ts
 * await nodeStorage().write('out/model.json', '{}');
 * ```
 */
export function nodeStorage(opts: NodeStorageOptions = {}): ModelStorage {
  const fs = async (): Promise<typeof import('node:fs/promises')> => nodeBuiltin('node:fs/promises');
  const path = async (): Promise<typeof import('node:path')> => nodeBuiltin('node:path');
  const hook = async (op: StorageOp, p: string): Promise<void> => {
    if (opts.beforeWrite) await opts.beforeWrite(op, p);
  };
  /** `mkdir -p` one level at a time (Node's recursive mkdir spins on some virtual file systems). */
  const ensureDir = async (dir: string): Promise<void> => {
    const [f, pa] = await Promise.all([fs(), path()]);
    const abs = pa.resolve(dir);
    const parts: string[] = [];
    for (let d = abs; ; d = pa.dirname(d)) {
      parts.unshift(d);
      if (pa.dirname(d) === d) break;
    }
    for (const d of parts) {
      let st: import('node:fs').Stats | undefined;
      try {
        st = await f.stat(d);
      } catch (e) {
        if ((e as { code?: string }).code !== 'ENOENT') throw storageError(d, 'create the folder', e);
      }
      if (st) {
        if (!st.isDirectory()) throw new StorageError(d, 'cannot create a folder here: it is a file (ENOTDIR)');
        continue;
      }
      try {
        await hook('mkdir', d);
        await f.mkdir(d);
      } catch (e) {
        if ((e as { code?: string }).code !== 'EEXIST') throw storageError(d, 'create the folder', e);
      }
    }
  };
  /** Removes `<name>.tmp-<pid>` files of processes that are gone (killed saves). */
  const cleanStale = async (dir: string): Promise<void> => {
    const f = await fs();
    let names: string[];
    try {
      names = await f.readdir(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const m = /\.tmp-(\d+)$/.exec(n);
      if (!m || alive(Number(m[1]))) continue;
      try {
        await hook('remove', `${dir}/${n}`);
        await f.rm(`${dir}/${n}`, { recursive: true, force: true });
      } catch {
        // another process cleaned it first, or it cannot be removed: neither stops this save
      }
    }
  };
  return {
    async write(p, data) {
      const [f, pa] = await Promise.all([fs(), path()]);
      const dir = pa.dirname(p);
      await ensureDir(dir);
      await cleanStale(dir);
      const tmp = `${p}.tmp-${process.pid}`;
      let handle: import('node:fs/promises').FileHandle | undefined;
      try {
        await hook('open', tmp);
        handle = await f.open(tmp, 'w');
        await hook('write', tmp);
        await handle.writeFile(toBytes(data));
        await hook('fsync', tmp);
        await handle.sync();
        await hook('close', tmp);
        await handle.close();
        handle = undefined;
        await hook('rename', p);
        await f.rename(tmp, p);
      } catch (e) {
        await handle?.close().catch(() => {});
        await f.rm(tmp, { force: true }).catch(() => {});
        throw storageError(p, 'write', e);
      }
      try {
        await hook('fsync-dir', dir);
        const d = await f.open(dir, 'r');
        try {
          await d.sync();
        } finally {
          await d.close();
        }
      } catch (e) {
        // fsync of a folder is not supported everywhere (EINVAL/EISDIR); a failed hook still fails
        const code = (e as { code?: string }).code;
        if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw storageError(p, 'write', e);
      }
    },
    async read(p) {
      try {
        return new Uint8Array(await (await fs()).readFile(p));
      } catch (e) {
        throw storageError(p, 'read', e);
      }
    },
    async exists(p) {
      try {
        await (await fs()).access(p);
        return true;
      } catch {
        return false;
      }
    },
    async remove(p) {
      try {
        await hook('remove', p);
        await (await fs()).rm(p, { recursive: true, force: true });
      } catch (e) {
        throw storageError(p, 'remove', e);
      }
    },
    async list(dir) {
      try {
        return (await (await fs()).readdir(dir)).sort();
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return [];
        throw storageError(dir, 'list', e);
      }
    },
  };
}

/**
 * An in-memory store (tests, or keeping the best model without touching disk).
 *
 * @example
 * ```ts
 * const mem = memoryStorage(); await mem.write('a', 'x'); mem.files.has('a'); // true
 * ```
 */
export function memoryStorage(): ModelStorage & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  return {
    files,
    async write(p, data) {
      files.set(p, toBytes(data).slice());
    },
    async read(p) {
      const d = files.get(p);
      if (!d) throw new StorageError(p, 'cannot read: no such entry');
      return d.slice();
    },
    async exists(p) {
      return files.has(p) || [...files.keys()].some((k) => k.startsWith(`${p}/`));
    },
    async remove(p) {
      for (const k of [...files.keys()]) if (k === p || k.startsWith(`${p}/`)) files.delete(k);
    },
    async list(dir) {
      return children(files.keys(), dir);
    },
  };
}

interface IdbRequest<T> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbStore {
  put(v: unknown, k: string): IdbRequest<unknown>;
  get(k: string): IdbRequest<unknown>;
  delete(k: string): IdbRequest<unknown>;
  getAllKeys(): IdbRequest<string[]>;
}
interface IdbDatabase {
  transaction(store: string, mode: 'readonly' | 'readwrite'): { objectStore(n: string): IdbStore };
  objectStoreNames: { contains(n: string): boolean };
  createObjectStore(n: string): unknown;
}

const req = <T>(r: IdbRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

/**
 * Browser storage in IndexedDB (database `dbName`, one object store of byte arrays).
 *
 * @example
 * ```ts
 * const runner = new Runner({ model, optimizer, lossFn, storage: indexedDbStorage('my-app') });
 * await runner.saveModel('iris/best'); // survives page reloads
 * ```
 */
export function indexedDbStorage(dbName = 'nnkit'): ModelStorage {
  const STORE = 'files';
  let db: Promise<IdbDatabase> | undefined;
  const open = (): Promise<IdbDatabase> => {
    const idb = (globalThis as { indexedDB?: { open(n: string, v: number): IdbRequest<IdbDatabase> & { onupgradeneeded: (() => void) | null } } }).indexedDB;
    if (!idb) return Promise.reject(new NotSupportedError('indexedDbStorage', 'IndexedDB is not available here (use nodeStorage() in Node)'));
    db ??= new Promise((resolve, reject) => {
      const r = idb.open(dbName, 1);
      r.onupgradeneeded = () => {
        if (!r.result.objectStoreNames.contains(STORE)) r.result.createObjectStore(STORE);
      };
      req(r).then(resolve, reject);
    });
    return db;
  };
  const store = async (mode: 'readonly' | 'readwrite'): Promise<IdbStore> => (await open()).transaction(STORE, mode).objectStore(STORE);
  return {
    async write(p, data) {
      await req((await store('readwrite')).put(toBytes(data).slice(), p));
    },
    async read(p) {
      const v = await req((await store('readonly')).get(p));
      if (!(v instanceof Uint8Array)) throw new StorageError(p, `cannot read: not in IndexedDB '${dbName}'`);
      return v;
    },
    async exists(p) {
      const keys = await req((await store('readonly')).getAllKeys());
      return keys.some((k) => k === p || k.startsWith(`${p}/`));
    },
    async remove(p) {
      const keys = await req((await store('readonly')).getAllKeys());
      const s = await store('readwrite');
      await Promise.all(keys.filter((k) => k === p || k.startsWith(`${p}/`)).map((k) => req(s.delete(k))));
    },
    async list(dir) {
      return children(await req((await store('readonly')).getAllKeys()), dir);
    },
  };
}

/**
 * Browser downloads: each write saves a file through an `<a download>` link (the path's last
 * part is the file name). Reading is not possible; pair it with `loadModel` from another storage.
 *
 * @example
 * ```ts
 * await new Runner({ model, optimizer, lossFn, storage: downloadStorage() }).saveModel('iris.safetensors');
 * ```
 */
export function downloadStorage(): ModelStorage {
  return {
    async write(p, data) {
      const doc = (globalThis as { document?: Document }).document;
      if (!doc) throw new NotSupportedError('downloadStorage', 'needs a browser document');
      const url = URL.createObjectURL(new Blob([toBytes(data).slice()]));
      const a = doc.createElement('a');
      a.href = url;
      a.download = p.split('/').pop() ?? p;
      a.click();
      URL.revokeObjectURL(url);
    },
    async read(p) {
      throw new StorageError(p, 'downloadStorage cannot read it back (downloads are write-only)');
    },
    async exists() {
      return false;
    },
    async remove() {},
  };
}

/** Files in Node, IndexedDB elsewhere. @example `const s = defaultStorage();` */
export function defaultStorage(): ModelStorage {
  const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  return isNode ? nodeStorage() : indexedDbStorage();
}
