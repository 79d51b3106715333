// The module a data-parallel worker thread loads (through `@nnkit/data/node`'s module worker):
// `createReplica(spec)` starts the backend, imports the user's model factory and returns the
// Replica whose `step` and `layout` methods the tasks call.
import { importModule } from '@nnkit/data/node';
import { ArgumentError, type BackendName, initBackend } from '@nnkit/tensor';
import { Replica, type ReplicaModel } from '../parallel/replica.js';
import type { ReplicaModelSpec } from './data-parallel.js';

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
  const mod = await importModule(spec.module, 'model');
  const name = spec.export ?? 'default';
  const factory = mod[name];
  if (typeof factory !== 'function') throw new ArgumentError('DataParallel', `export '${name}' of ${spec.module} is not a function (a model factory)`);
  return new Replica((await factory(spec.options)) as ReplicaModel);
}
