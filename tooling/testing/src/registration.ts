import { engine, getKernelsForBackend } from '@tensorflow/tfjs-core';

/**
 * Imports a package entry (`() => import('./index.js')`) and throws if that registered a
 * backend or a wasm kernel: nnkit registers nothing at import time, so bundlers can tree-shake
 * honestly and `initBackend()` stays the one explicit set-up call.
 */
export async function assertImportRegistersNothing(load: () => Promise<unknown>): Promise<void> {
  const before = Object.keys(engine().registryFactory).join(',');
  const wasmKernels = getKernelsForBackend('wasm').length;
  const mod = await load();
  if (typeof mod !== 'object' || mod === null) throw new Error('the entry did not load as a module');
  const after = Object.keys(engine().registryFactory).join(',');
  if (after !== before) throw new Error(`importing the entry registered a backend: [${before}] -> [${after}]`);
  const k = getKernelsForBackend('wasm').length;
  if (k !== wasmKernels) throw new Error(`importing the entry registered ${k - wasmKernels} wasm kernel(s)`);
}
