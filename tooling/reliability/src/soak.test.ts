// Soak: tensor count flat after the first epoch, wasm memory flat and RSS growth < 5 % after the
// warm-up, < 2 % over the second half. Short variants run in CI; NNKIT_SOAK_LONG=1 runs the long
// ones (iris 500 epochs, EEG-TCNet 20 epochs on BCI IV 2b subject 1, 360 trials).
import { join } from 'node:path';
import { hasSharedData, sharedDataDir } from '@nnkit/tooling-testing';
import { initBackend } from '@nnkit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { soakFigures, soakRecorder } from './soak.js';
import type { SoakTrace } from './soak.js';
import { eegTcnetLosses, firstTrials, irisLosses, load2b } from './workloads.js';

const long = process.env.NNKIT_SOAK_LONG === '1';

/** The soak's pass rule (README): every figure of {@link soakFigures} within its bound. */
function expectFlat(name: string, trace: SoakTrace): void {
  const f = soakFigures(trace);
  const mib = (k: keyof SoakTrace): string => trace[k].map((v) => v.toFixed(1)).join(' ');
  console.log(`${name} soak`, JSON.stringify(f), '\nRSS MiB by epoch', mib('rssMiB'), '\nwasm memory MiB', mib('wasmMiB'), '\nV8 new space MiB', mib('newSpaceMiB'), '\nwasm memory resident MiB', mib('wasmResidentMiB'));
  expect(f.maxTensorDrift, 'tensor count after epoch 1').toBe(0);
  expect(f.wasmGrowthMiB, 'wasm linear memory growth after the warm-up (MiB)').toBe(0);
  expect(f.rssGrowth, 'RSS growth from the warm-up\'s peak').toBeLessThan(0.05);
  expect(f.rssGrowthSecondHalf, 'RSS growth over the second half, less new-space and wasm-resident growth').toBeLessThan(0.02);
}

describe(`soak on wasm (${long ? 'long' : 'short'} variants)`, () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it(`iris ${long ? 500 : 50} epochs: tensor count and wasm memory flat, RSS growth < 5 %`, async () => {
    const { trace, onEpoch } = soakRecorder();
    await irisLosses(1, long ? 500 : 50, onEpoch);
    expectFlat('iris', trace);
  }, 3_600_000);

  it.skipIf(!hasSharedData())(`EEG-TCNet ${long ? '20 epochs on 360' : '16 epochs on 48'} BCI IV 2b trials: tensor count and wasm memory flat, RSS growth < 5 %`, async () => {
    const all = await load2b(join(sharedDataDir(), 'bciciv2b'));
    expect(all, 'BCI IV 2b subject 1 could not be read').toBeDefined();
    const train = long ? all! : firstTrials(all!, 48);
    const test = firstTrials(all!, 16);
    const { trace, onEpoch } = soakRecorder();
    await eegTcnetLosses(1, long ? 20 : 16, train, test, { onEpoch });
    expectFlat('EEG-TCNet', trace);
  }, 3_600_000);
});
