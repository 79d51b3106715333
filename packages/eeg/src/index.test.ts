import { assertImportRegistersNothing } from '@nnkit/tooling-testing';
import { it } from 'vitest';

it('importing the package entry (and its dependencies) registers no backend and no kernel', async () => {
  await assertImportRegistersNothing(() => import('./index.js'));
});
