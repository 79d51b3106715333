// Same seed → bit-identical loss curves on wasm, in one process and across processes.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { initBackend } from '@nnkit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { eegTcnetLosses, irisLosses, syntheticTrials } from './workloads.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

/** Float64 bit patterns (hex) of a loss curve: equal strings mean bit-identical values. */
const bits = (xs: number[]): string[] =>
  xs.map((v) => {
    const b = new DataView(new ArrayBuffer(8));
    b.setFloat64(0, v);
    return b.getBigUint64(0).toString(16);
  });

async function inChild(which: 'iris' | 'eeg', seed: number, epochs: number): Promise<string[]> {
  const { stdout } = await run(process.execPath, ['--conditions=@nnkit/source', '--import', 'tsx', 'src/child.ts', which, String(seed), String(epochs)], {
    cwd: pkgDir,
    timeout: 300_000,
    maxBuffer: 16 << 20,
  });
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`child printed no result: ${stdout.slice(-500)}`);
  return JSON.parse(line.slice(7)) as string[];
}

const eeg = (seed: number, epochs: number): Promise<number[]> => eegTcnetLosses(seed, epochs, syntheticTrials(24, 256), syntheticTrials(8, 256), { batchSize: 8 });

describe('determinism on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('iris: the same seed gives bit-identical loss curves in one process (20 epochs, 160 steps)', async () => {
    const a = await irisLosses(7, 20);
    const b = await irisLosses(7, 20);
    expect(a).toHaveLength(160);
    expect(bits(b)).toEqual(bits(a));
    expect(bits(await irisLosses(8, 20))).not.toEqual(bits(a));
  });

  it('EEG-TCNet: the same seed gives bit-identical loss curves in one process (3 epochs)', async () => {
    const a = await eeg(3, 3);
    expect(bits(await eeg(3, 3))).toEqual(bits(a));
    expect(bits(await eeg(4, 3))).not.toEqual(bits(a));
  });

  it('iris and EEG-TCNet: bit-identical across two child processes and this one', async () => {
    const [i1, i2, e1, e2] = await Promise.all([inChild('iris', 7, 10), inChild('iris', 7, 10), inChild('eeg', 3, 3), inChild('eeg', 3, 3)]);
    expect(i2).toEqual(i1);
    expect(e2).toEqual(e1);
    expect(i1).toEqual(bits(await irisLosses(7, 10)));
    expect(e1).toEqual(bits(await eeg(3, 3)));
  }, 600_000);
});
