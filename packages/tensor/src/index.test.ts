import { assertImportRegistersNothing } from '@nnkit/tooling-testing';
import { expect, it } from 'vitest';

it('importing the package entry (and its dependencies) registers no backend and no kernel', async () => {
  await assertImportRegistersNothing(() => import('./index.js'));
});

it('exports nothing EEG-specific (the fused EEG front end lives in @nnkit/eeg)', async () => {
  const names = Object.keys(await import('./index.js'));
  expect(names.filter((n) => /eeg|temporal|spatial/i.test(n))).toEqual([]);
  expect(names).toEqual(expect.arrayContaining(['conv2dNhwc', 'resolveConvPadding', 'FAST_DEPTHWISE_TAPS', 'isRecordingGradients', 'withoutGradientTape']));
});
