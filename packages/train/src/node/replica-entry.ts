// The module a data-parallel worker thread loads (through `@nnkit/data/node`'s module worker):
// `createReplica(spec)` starts the backend, imports the user's model factory and returns the
// Replica whose `step` and `layout` methods the tasks call.
import { pathToFileURL } from 'node:url';
import { importModule } from '@nnkit/data/node';
import { ArgumentError, type BackendName, initBackend } from '@nnkit/tensor';
import { Replica, type ReplicaModel } from '../parallel/replica.js';
import type { ReplicaModelSpec } from './data-parallel.js';

/**
 * Imports the model module in this module's graph when it can (a plain `import()`: under tsx —
 * nnkit run from source — it shares this module's instances of `@nnkit/nn` and tfjs, which a
 * separate `tsImport` would duplicate), else through the module worker's loader (compiled
 * nnkit, a `.ts` model loaded by tsx).
 */
async function loadModelModule(spec: string): Promise<Record<string, unknown>> {
  const url = /^[a-z]+:/i.test(spec) && !/^[a-z]:[\\/]/i.test(spec) ? spec : pathToFileURL(spec).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (e) {
    if ((e as { code?: string })?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
    return importModule(spec, 'model');
  }
}

/**
 * Builds one replica in a worker thread: `initBackend(spec.backend)`, then
 * `(await import(spec.module))[spec.export](spec.options)`.
 *
 * @example
 * ```ts
 * const replica = await createReplica({ module: '/abs/models.js', export: 'createModel', options: { nChans: 3 } });
 * ```
 */
export async function createReplica(spec: ReplicaModelSpec & { backend?: BackendName | undefined }): Promise<Replica> {
  await initBackend(spec.backend);
  const mod = await loadModelModule(spec.module);
  const name = spec.export ?? 'default';
  const factory = mod[name];
  if (typeof factory !== 'function') throw new ArgumentError('DataParallel', `export '${name}' of ${spec.module} is not a function (a model factory)`);
  return new Replica((await factory(spec.options)) as ReplicaModel);
}
