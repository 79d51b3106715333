// Unwritable paths and a full disk: a clear StorageError naming the path, fit does not hang, and
// the in-memory training state survives (it can be saved elsewhere and training goes on).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrossEntropyLoss } from '@nnkit/nn';
import { initBackend, manualSeed, StorageError } from '@nnkit/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCheckpoint } from '../callbacks/model-checkpoint.js';
import { SGD } from '../optim/sgd.js';
import { Runner } from './runner.js';
import { nodeStorage, type NodeStorageOptions } from './storage.js';
import { ArrayLoader, blobs, SmallMlp, snapshot, TestRng } from './test-utils.js';

const root = mkdtempSync(join(tmpdir(), 'nnkit-faults-'));
const make = (opts: NodeStorageOptions = {}): Runner => {
  manualSeed(5);
  const model = new SmallMlp();
  return new Runner({ model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), lossFn: new CrossEntropyLoss(), storage: nodeStorage(opts), log: null });
};
const loader = (): ArrayLoader => {
  const { x, y } = blobs(24);
  return new ArrayLoader(x, y, 4, 8, new TestRng(9));
};

describe('storage faults', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a path under a regular file gives a StorageError naming it (ENOTDIR)', async () => {
    writeFileSync(join(root, 'file'), 'x');
    const r = make();
    await expect(r.fit(loader(), { epochs: 1, callbacks: [new ModelCheckpoint({ dir: join(root, 'file', 'ck') })] })).rejects.toThrow(StorageError);
    await expect(r.saveModel(join(root, 'file', 'm'))).rejects.toThrow(/file'?: cannot create a folder here/);
  });

  it('a path in /proc fails at once instead of spinning', async () => {
    const t0 = Date.now();
    await expect(make().saveCheckpoint('/proc/nnkit-test/ck')).rejects.toThrow(StorageError);
    expect(Date.now() - t0).toBeLessThan(20_000); // a hang guard (a recursive mkdir in /proc used to spin forever)
  });

  it('a read-only folder (a chmod 500 folder; as root, the system folder /sys) gives a StorageError naming the path', async () => {
    let target: string;
    if (process.getuid?.() === 0) target = '/sys/nnkit-storage-test/m'; // root writes anywhere but in sysfs
    else {
      const ro = join(root, 'ro');
      rmSync(ro, { recursive: true, force: true });
      mkdtempSync(ro);
      chmodSync(ro, 0o500);
      target = join(ro, 'm');
    }
    const err = await make().saveModel(target).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error).message).toMatch(/\/(sys\/nnkit-storage-test|ro)/);
    expect((err as Error).message).toMatch(/permission denied|operation not permitted|EACCES|EPERM/i);
  });

  it('a full disk (ENOSPC on a write) fails fit with a StorageError; the state survives and training goes on', async () => {
    const full = (op: string): void => {
      if (op === 'write') throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    };
    const r = make({ beforeWrite: full });
    const dir = join(root, 'full');
    const err = await r.fit(loader(), { epochs: 3, callbacks: [new ModelCheckpoint({ dir })] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).message).toMatch(/no space left on the device \(ENOSPC\)/);
    expect((err as StorageError).path).toContain(dir);
    expect(r.state.epoch).toBe(1);
    const before = snapshot(r.model);
    // saved elsewhere, then resumed from there to the end
    const elsewhere = join(root, 'elsewhere');
    await r.saveCheckpoint.call(Object.assign(Object.create(Object.getPrototypeOf(r) as object) as Runner, r, { storage: nodeStorage() }), elsewhere);
    const resumed = make();
    await resumed.fit(loader(), { epochs: 3, resumeFrom: elsewhere });
    expect(resumed.state.epoch).toBe(3);
    expect(snapshot(r.model)).toEqual(before);
    // no temporary files left where the disk was full
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(root, { recursive: true }).map(String).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
