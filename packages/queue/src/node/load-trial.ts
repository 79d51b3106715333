import { pathToFileURL } from 'node:url';
import type { TrialFn, TrialModule } from '@nnkit/train';
import { QueueError } from '../errors.js';

const loaded = new Map<string, Promise<TrialFn>>();

async function importModule(spec: string): Promise<Record<string, unknown>> {
  const url = /^[a-z]+:/i.test(spec) && !/^[a-z]:[\\/]/i.test(spec) ? spec : pathToFileURL(spec).href;
  try {
    return (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
    // a TypeScript trial module in a process started without a TypeScript loader: load it through tsx
    let api: { tsImport(u: string, parent: string): Promise<Record<string, unknown>> };
    try {
      api = (await import('tsx/esm/api')) as typeof api;
    } catch {
      throw new QueueError(`the trial module ${spec} is TypeScript: install tsx, or point the worker at compiled JavaScript`);
    }
    return api.tsImport(url, import.meta.url);
  }
}

/** Imports a trial module once per process (running its `setup` export first) and returns its trial function. */
export function loadTrialModule(spec: TrialModule): Promise<TrialFn> {
  const id = `${spec.module}#${spec.export ?? 'trial'}#${spec.setup ?? ''}`;
  let p = loaded.get(id);
  if (!p) {
    p = (async () => {
      const mod = await importModule(spec.module);
      if (spec.setup) {
        const setup = mod[spec.setup];
        if (typeof setup !== 'function') throw new QueueError(`export '${spec.setup}' of ${spec.module} is not a function`);
        await (setup as () => unknown)();
      }
      const fn = mod[spec.export ?? 'trial'];
      if (typeof fn !== 'function') throw new QueueError(`export '${spec.export ?? 'trial'}' of ${spec.module} is not a function`);
      return fn as TrialFn;
    })();
    loaded.set(id, p);
    p.catch(() => loaded.delete(id));
  }
  return p;
}
