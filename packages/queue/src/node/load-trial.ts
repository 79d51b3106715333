import { importModule } from '@nnkit/data/node';
import { NnkitError } from '@nnkit/tensor';
import type { TrialFn, TrialModule } from '@nnkit/train';
import { QueueError } from '../errors.js';

const loaded = new Map<string, Promise<TrialFn>>();

/** Imports a trial module once per process (running its `setup` export first) and returns its trial function. */
export function loadTrialModule(spec: TrialModule): Promise<TrialFn> {
  const id = `${spec.module}#${spec.export ?? 'trial'}#${spec.setup ?? ''}`;
  let p = loaded.get(id);
  if (!p) {
    p = (async () => {
      let mod: Record<string, unknown>;
      try {
        mod = await importModule(spec.module, 'trial');
      } catch (e) {
        if (e instanceof NnkitError) throw e;
        throw new QueueError(`cannot import the trial module ${spec.module}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
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
