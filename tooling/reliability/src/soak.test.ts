// Soak: tensor count flat after the first epoch and RSS growth < 5 % over long training runs.
// Short variants run in CI; NNKIT_SOAK_LONG=1 runs the long ones (iris 500 epochs, EEG-TCNet
// 20 epochs on BCI IV 2b subject 1, 360 trials).
import { join } from 'node:path';
import { hasSharedData, sharedDataDir } from '@nnkit/tooling-testing';
import { initBackend } from '@nnkit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { soakFigures, soakRecorder } from './soak.js';
import { eegTcnetLosses, firstTrials, irisLosses, load2b } from './workloads.js';

const long = process.env.NNKIT_SOAK_LONG === '1';

describe(`soak on wasm (${long ? 'long' : 'short'} variants)`, () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it(`iris ${long ? 500 : 50} epochs: tensor count flat after epoch 1, RSS growth < 5 %`, async () => {
    const { trace, onEpoch } = soakRecorder();
    await irisLosses(1, long ? 500 : 50, onEpoch);
    const f = soakFigures(trace);
    console.log('iris soak', JSON.stringify(f), 'RSS MiB by epoch (every 10th)', trace.rssMiB.filter((_, i) => i % 10 === 0).map((v) => v.toFixed(1)).join(' '));
    expect(f.maxTensorDrift).toBe(0);
    expect(f.rssGrowth).toBeLessThan(0.05);
    expect(f.rssGrowthFromEpoch2LessNewSpace).toBeLessThan(0.05);
  }, 3_600_000);

  it.skipIf(!hasSharedData())(`EEG-TCNet ${long ? '20 epochs on 360' : '6 epochs on 48'} BCI IV 2b trials: tensor count flat, RSS growth < 5 %`, async () => {
    const all = await load2b(join(sharedDataDir(), 'bciciv2b'));
    expect(all, 'BCI IV 2b subject 1 could not be read').toBeDefined();
    const train = long ? all! : firstTrials(all!, 48);
    const test = firstTrials(all!, 16);
    const { trace, onEpoch } = soakRecorder();
    await eegTcnetLosses(1, long ? 20 : 6, train, test, { onEpoch });
    const f = soakFigures(trace);
    console.log('EEG-TCNet soak', JSON.stringify(f), 'RSS MiB by epoch', trace.rssMiB.map((v) => v.toFixed(1)).join(' '), 'V8 new space MiB by epoch', trace.newSpaceMiB.map((v) => v.toFixed(1)).join(' '));
    expect(f.maxTensorDrift).toBe(0);
    expect(f.rssGrowth).toBeLessThan(0.05);
    // from epoch 2, less the young generation's one-off growth to its cap (README: the epoch-3 step)
    expect(f.rssGrowthFromEpoch2LessNewSpace).toBeLessThan(0.05);
  }, 3_600_000);
});
