import { NotSupportedError } from '@nnkit/tensor';
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
}

const enc = new TextEncoder();
const toBytes = (d: Uint8Array | string): Uint8Array => (typeof d === 'string' ? enc.encode(d) : d);

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
 * @example
 * ```ts
 * await nodeStorage().write('out/model.json', '{}');
 * ```
 */
export function nodeStorage(): ModelStorage {
  const fs = async (): Promise<typeof import('node:fs/promises')> => nodeBuiltin('node:fs/promises');
  const path = async (): Promise<typeof import('node:path')> => nodeBuiltin('node:path');
  return {
    async write(p, data) {
      const [f, pa] = await Promise.all([fs(), path()]);
      await f.mkdir(pa.dirname(p), { recursive: true });
      const tmp = `${p}.tmp-${process.pid}`;
      await f.writeFile(tmp, toBytes(data));
      await f.rename(tmp, p); // atomic: a crash never leaves a half-written checkpoint
    },
    async read(p) {
      try {
        return new Uint8Array(await (await fs()).readFile(p));
      } catch (e) {
        throw new Error(`storage: cannot read '${p}': ${(e as Error).message}`);
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
      await (await fs()).rm(p, { recursive: true, force: true });
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
      if (!d) throw new Error(`storage: cannot read '${p}': no such entry`);
      return d.slice();
    },
    async exists(p) {
      return files.has(p) || [...files.keys()].some((k) => k.startsWith(`${p}/`));
    },
    async remove(p) {
      for (const k of [...files.keys()]) if (k === p || k.startsWith(`${p}/`)) files.delete(k);
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
    if (!idb) return Promise.reject(new Error('indexedDbStorage: IndexedDB is not available here (use nodeStorage() in Node)'));
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
      if (!(v instanceof Uint8Array)) throw new Error(`storage: cannot read '${p}': not in IndexedDB '${dbName}'`);
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
      if (!doc) throw new Error('downloadStorage: needs a browser document');
      const url = URL.createObjectURL(new Blob([toBytes(data).slice()]));
      const a = doc.createElement('a');
      a.href = url;
      a.download = p.split('/').pop() ?? p;
      a.click();
      URL.revokeObjectURL(url);
    },
    async read(p) {
      throw new Error(`downloadStorage: cannot read '${p}' back (downloads are write-only)`);
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
