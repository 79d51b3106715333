import { importModule } from '@nnkit/data/node';
import type { TrialFn, TrialModule } from '@nnkit/train';
import { QueueError } from '../errors.js';

const loaded = new Map<string, Promise<TrialFn>>();

/** Imports a trial module once per process (running its `setup` export first) and returns its trial function. */
export function loadTrialModule(spec: TrialModule): Promise<TrialFn> {
  const id = `${spec.module}#${spec.export ?? 'trial'}#${spec.setup ?? ''}`;
  let p = loaded.get(id);
  if (!p) {
    p = (async () => {
      const mod = await importModule(spec.module, 'trial');
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
