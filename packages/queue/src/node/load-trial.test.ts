import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { QueueError } from '../errors.js';
import { loadTrialModule } from './load-trial.js';

describe('loadTrialModule', () => {
  it('a trial module that does not exist: a QueueError naming it', async () => {
    const missing = fileURLToPath(new URL('./__fixtures__/no-such-trial.js', import.meta.url));
    const err = await loadTrialModule({ module: missing }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueError);
    expect((err as Error).message).toContain('no-such-trial.js');
  });

  it('an export that is not a function: a QueueError naming the export', async () => {
    const mod = fileURLToPath(new URL('./__fixtures__/blobs.ts', import.meta.url));
    await expect(loadTrialModule({ module: mod, export: 'nope' })).rejects.toThrow(/export 'nope' of .*blobs\.ts is not a function/);
  });
});
